/**
 * Sessions: logging in (`POST /api/users/login`, alias `POST /api/auth/login`), refreshing
 * (`POST /api/auth/refresh`) and logging out (`POST /api/auth/logout`) — DESIGN §3, §9.
 */
import {
  BEARER,
  BODY_ERRORS,
  clientAddress,
  createApiApp,
  errorResponse,
  errorsOf,
  jsonBody,
  jsonContent as json,
  peerAddress,
  PUBLIC,
  resourceRoutes,
  type TrustedProxies,
  UNAVAILABLE,
} from "@chat-ts/shared/http";
import type { LoginThrottle } from "@chat-ts/shared/limits";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { Context } from "hono";
import type { UserService } from "../../../domain/user/service.ts";
import { authenticated, type CallerVariables } from "../caller.ts";
import { answer, CALLER_ERRORS } from "../errors.ts";
import { LoginBody, RefreshBody, SessionEnvelope, toSessionJson } from "../schemas.ts";

const loginErrors = errorsOf({
  ...BODY_ERRORS,
  401: "Wrong username or password",
  422: "A field is missing or breaks its rule; the message names it",
  429: "Too many failed logins for this username or address; Retry-After says when",
  503: UNAVAILABLE,
});
const refreshErrors = errorsOf({
  ...BODY_ERRORS,
  401: "The refresh token is unknown, used, expired or its session has ended",
  422: "refresh_token is missing or not a string",
  503: UNAVAILABLE,
});
const logoutErrors = errorsOf({
  400: "The token is longer than 4096 characters",
  ...CALLER_ERRORS,
  503: UNAVAILABLE,
});

const publicRoute = resourceRoutes("Sessions", { security: PUBLIC });

/** Generic in the path so each route keeps its literal path type (hc<AppType> needs it). */
const loginRoute = <P extends string>(
  path: P,
  operation: { readonly operationId: string; readonly summary: string },
) =>
  publicRoute({
    method: "post",
    path,
    ...operation,
    description: "An access token (`JWT_TTL_SECONDS`) and a refresh token. Failed logins back " +
      "off per username and per client address (docs/limits.md).",
    request: { body: jsonBody(LoginBody, "Credentials") },
    responses: {
      200: json(SessionEnvelope, "Logged in"),
      ...loginErrors,
    },
  });

export interface LoginThrottles {
  readonly username: LoginThrottle;
  readonly address: LoginThrottle;
}

/** The client's address: the peer, or what a trusted proxy (the gateway) says it forwarded. */
function clientOf(c: Context, trusted: TrustedProxies): string {
  return clientAddress(peerAddress(c.env), c.req.header("x-forwarded-for"), trusted) ?? "unknown";
}

export function authRoutes(
  deps: {
    readonly users: UserService;
    readonly tokens: TokenCodec;
    readonly logger: Logger;
    readonly loginThrottle?: LoginThrottles;
    /** Peers whose `X-Forwarded-For` is believed; none by default. */
    readonly trustedProxies?: TrustedProxies;
  },
) {
  const { users, logger, loginThrottle: throttle } = deps;
  const login = async (
    c: Context,
    credentials: { readonly username: string; readonly password: string },
  ) => {
    const { username } = credentials;
    const nameKey = username.toLowerCase();
    const address = clientOf(c, deps.trustedProxies ?? (() => false));
    if (throttle !== undefined) {
      const [byName, byAddress] = await Promise.all([
        throttle.username.check([nameKey]),
        throttle.address.check([address]),
      ]);
      const wait = Math.max(
        byName.ok ? 0 : byName.retryAfterSeconds,
        byAddress.ok ? 0 : byAddress.retryAfterSeconds,
      );
      if (wait > 0) {
        logger.info("login throttled", { username, retry_after_s: wait });
        c.header("Retry-After", String(wait));
        return errorResponse(
          c,
          429,
          "too_many_attempts",
          `Too many failed logins; try again in ${wait} s`,
        );
      }
    }
    const result = await users.login(username, credentials.password);
    if (!result.ok) {
      logger.info("login refused", { username, reason: result.error.type });
      if (result.error.type === "invalid_credentials" && throttle !== undefined) {
        await Promise.all([
          throttle.username.failed([nameKey]),
          throttle.address.failed([address]),
        ]);
      }
      return answer.error(c, result.error, loginErrors);
    }
    await throttle?.username.succeeded(nameKey);
    return c.json({ data: toSessionJson(result.value) }, 200);
  };
  const callerRoute = resourceRoutes("Sessions", {
    security: BEARER,
    middleware: authenticated(deps.tokens, users, logger),
  });
  return createApiApp<{ Variables: CallerVariables }>()
    .openapi(
      loginRoute("/api/users/login", {
        operationId: "loginUnderUsers",
        summary: "Log in (alias of POST /api/auth/login)",
      }),
      (c) => login(c, c.req.valid("json")),
    )
    .openapi(
      loginRoute("/api/auth/login", { operationId: "login", summary: "Log in" }),
      (c) => login(c, c.req.valid("json")),
    )
    .openapi(
      publicRoute({
        method: "post",
        path: "/api/auth/refresh",
        operationId: "refreshSession",
        summary: "Trade a refresh token for a new token pair",
        description: "The refresh token is used up: the answer carries its successor.",
        request: { body: jsonBody(RefreshBody, "The current refresh token") },
        responses: {
          200: json(SessionEnvelope, "A new token pair"),
          ...refreshErrors,
        },
      }),
      async (c) => {
        const result = await users.refresh(c.req.valid("json").refresh_token);
        if (!result.ok) {
          logger.info("refresh refused", { reason: result.error.type });
          return answer.error(c, result.error, refreshErrors);
        }
        return c.json({ data: toSessionJson(result.value) }, 200);
      },
    )
    .openapi(
      callerRoute({
        method: "post",
        path: "/api/auth/logout",
        operationId: "logout",
        summary: "End the caller's session",
        description: "Its access tokens are refused from now on, by every service, and its " +
          "WebSocket connections are closed.",
        responses: {
          204: { description: "The session has ended" },
          ...logoutErrors,
        },
      }),
      async (c) => {
        const session = c.var.callerSession;
        if (session !== undefined) {
          const result = await users.logout(c.var.callerId, session);
          if (!result.ok) return answer.error(c, result.error, logoutErrors);
          logger.info("session ended", {
            user_id: c.var.callerId,
            session_id: session,
            reason: "logout",
          });
        }
        return c.body(null, 204);
      },
    );
}
