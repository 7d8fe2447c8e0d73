/**
 * Sessions: logging in (`POST /api/users/login`, alias `POST /api/auth/login`), refreshing
 * (`POST /api/auth/refresh`) and logging out (`POST /api/auth/logout`) — DESIGN §3, §9.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  clientAddress,
  createApiApp,
  errorResponse,
  jsonContent as json,
  peerAddress,
  type TrustedProxies,
} from "@chat-ts/shared/http";
import type { LoginThrottle } from "@chat-ts/shared/limits";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { Context } from "hono";
import type { UserService } from "../../../domain/user/service.ts";
import { authenticated, type CallerVariables } from "../caller.ts";
import { errorResponses, userErrorResponse } from "../errors.ts";
import { LoginBody, RefreshBody, SessionEnvelope, toSessionJson } from "../schemas.ts";

/** Generic in the path so each route keeps its literal path type (hc<AppType> needs it). */
const loginRoute = <P extends string>(path: P) =>
  createRoute({
    method: "post",
    path,
    request: { body: { required: true, ...json(LoginBody, "Credentials") } },
    responses: { 200: json(SessionEnvelope, "Logged in"), ...errorResponses },
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
      return userErrorResponse(c, result.error);
    }
    await throttle?.username.succeeded(nameKey);
    return c.json({ data: toSessionJson(result.value) }, 200);
  };
  return createApiApp<{ Variables: CallerVariables }>()
    .openapi(loginRoute("/api/users/login"), (c) => login(c, c.req.valid("json")))
    .openapi(loginRoute("/api/auth/login"), (c) => login(c, c.req.valid("json")))
    .openapi(
      createRoute({
        method: "post",
        path: "/api/auth/refresh",
        request: { body: { required: true, ...json(RefreshBody, "The current refresh token") } },
        responses: { 200: json(SessionEnvelope, "A new token pair"), ...errorResponses },
      }),
      async (c) => {
        const result = await users.refresh(c.req.valid("json").refresh_token);
        if (!result.ok) {
          logger.info("refresh refused", { reason: result.error.type });
          return userErrorResponse(c, result.error);
        }
        return c.json({ data: toSessionJson(result.value) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/api/auth/logout",
        middleware: authenticated(deps.tokens, users, logger),
        responses: { 204: { description: "The session has ended" }, ...errorResponses },
      }),
      async (c) => {
        const session = c.var.callerSession;
        if (session !== undefined) {
          const result = await users.logout(c.var.callerId, session);
          if (!result.ok) return userErrorResponse(c, result.error);
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
