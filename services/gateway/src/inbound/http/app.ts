/**
 * The gateway's HTTP app: one origin for the web client and every public API. In order, each
 * request gets its id and an access-log line, the request-head and body limits, the security
 * headers (and CORS when configured), then by route: the web client's files, or — after the
 * access token (with its session) is checked and the rate limits are spent — the service
 * behind the route. The same app runs in front of the services over the network and, in the
 * embedded mode, in front of their apps in the same process (docs/gateway.md).
 */
import { buildAsyncApiDocument } from "@chat-ts/shared/asyncapi";
import { apiDocs } from "@chat-ts/shared/http/api-docs";
import {
  bodySizeLimit,
  clientAddress,
  errorResponse,
  knownMethodsOnly,
  liveHandler,
  mergeOpenApiDocuments,
  peerAddress,
  PUBLIC_API,
  type Readiness,
  readyHandler,
  requestHeadProblem,
  type TrustedProxies,
  verifyCaller,
} from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import { isRequestId, REQUEST_ID_HEADER, withRequestId } from "@chat-ts/shared/request-context";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { ASSET_CACHE_CONTROL, readClientAsset } from "@chat-ts/web/assets";
import type { QuotaUse, QuotaVerdict } from "../../domain/quota/models.ts";
import type { Quotas } from "../../domain/quota/service.ts";
import type { Route, Upstream } from "../../domain/route/models.ts";
import type { UpstreamService } from "../../domain/route/ports.ts";
import { routeOf, routePattern } from "../../domain/route/service.ts";

export interface GatewayDeps {
  readonly upstreams: Readonly<Record<Upstream, UpstreamService>>;
  /** Verifies access tokens and refuses those of ended sessions. */
  readonly tokens: TokenCodec;
  readonly quotas: Quotas;
  readonly readiness: () => Promise<Readiness>;
  readonly logger: Logger;
  /** Peers whose `x-request-id` and `x-forwarded-for` are believed. */
  readonly trustedProxies: TrustedProxies;
  /** Origins allowed to call the API cross-site; empty: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Routes of the gateway's host that come before the proxy (the embedded mode's documents). */
  readonly extraRoutes?: (app: Hono<GatewayEnv>) => void;
}

export type GatewayEnv = {
  Variables: {
    readonly requestId: string;
    readonly clientAddress: string | undefined;
    userId: string | undefined;
  };
};

/**
 * What the web client needs and nothing more: its own scripts, styles and sockets, `data:`
 * images (its favicon), no frames and no embedding elsewhere.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function createGatewayApp(deps: GatewayDeps): Hono<GatewayEnv> {
  const { logger, upstreams } = deps;
  const app = new Hono<GatewayEnv>();

  app.use("*", identifyAndLog(deps));
  // Before anything copies the request: fetch refuses to build one with TRACE or CONNECT.
  app.use("*", knownMethodsOnly());
  app.use("*", async (c, next) => {
    const problem = requestHeadProblem(c.req.raw);
    if (problem !== undefined) {
      return errorResponse(c, problem.status, problem.code, problem.message);
    }
    await next();
  });
  const security = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: "no-referrer",
    xFrameOptions: "DENY",
    // The client loads nothing cross-origin; these would only get in the way of API users.
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: "same-origin",
  });
  app.use("*", security);
  if (deps.corsOrigins.length > 0) {
    app.use(
      "*",
      cors({
        origin: [...deps.corsOrigins],
        allowHeaders: ["Authorization", "Content-Type", REQUEST_ID_HEADER],
        allowMethods: ["GET", "HEAD", "POST", "PATCH", "DELETE"],
        exposeHeaders: ["RateLimit", "RateLimit-Policy", "Retry-After", REQUEST_ID_HEADER],
        maxAge: 600,
      }),
    );
  }
  app.use("*", bodySizeLimit());
  app.get("/health/live", liveHandler);
  app.get("/health/ready", readyHandler(deps.readiness));
  deps.extraRoutes?.(app);
  // `/openapi.json` (the whole public API, merged from the services' own documents, asked once),
  // `/asyncapi.json` and the `/docs` page.
  const documentOf = async (upstream: UpstreamService) => {
    const answer = await upstream.forward(
      new Request("http://gateway/openapi.json"),
      new Headers({ accept: "application/json" }),
      undefined,
    );
    if (!answer.ok) throw new Error(`a service's /openapi.json answered ${answer.status}`);
    return await answer.json();
  };
  app.route(
    "/",
    apiDocs({
      openapi: async () =>
        mergeOpenApiDocuments(
          await Promise.all([upstreams.users, upstreams.chat, upstreams.presence].map(documentOf)),
          PUBLIC_API,
        ),
      asyncapi: buildAsyncApiDocument,
    }),
  );

  app.all("*", async (c) => {
    const route = routeOf(c.req.method, c.req.path);
    switch (route.kind) {
      case "web":
        return await serveClient(c);
      case "health":
        return errorResponse(c, 405, "method_not_allowed", `Method ${c.req.method} is not allowed`);
      case "api":
      case "socket":
        return await forward(c, route, deps, upstreams[route.upstream]);
      default: {
        const unknown: never = route;
        throw new Error(`unhandled route ${JSON.stringify(unknown)}`);
      }
    }
  });
  app.onError((error, c) => {
    logger.error("unhandled error", { error, method: c.req.method, path: c.req.path });
    return errorResponse(c, 500, "internal", "Something went wrong on our side");
  });
  return app;
}

/**
 * The request's id and client address, then — once it is answered — one access-log line:
 * method, route pattern, status, duration, user, request id; never a token, a body or an id
 * from the URL.
 */
function identifyAndLog(deps: GatewayDeps): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    const peer = peerAddress(c.env);
    const fromTrusted = peer !== undefined && deps.trustedProxies(peer);
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = fromTrusted && isRequestId(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    c.set(
      "clientAddress",
      clientAddress(peer, c.req.header("x-forwarded-for"), deps.trustedProxies),
    );
    c.set("userId", undefined);
    await withRequestId(requestId, async () => {
      await next();
      c.res.headers.set(REQUEST_ID_HEADER, requestId);
      const userId = c.get("userId");
      deps.logger.info("request", {
        method: c.req.method,
        route: routePattern(c.req.path),
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        ...(userId === undefined ? {} : { user_id: userId }),
      });
    });
  };
}

async function forward(
  c: Context<GatewayEnv>,
  route: Extract<Route, { kind: "api" | "socket" }>,
  deps: GatewayDeps,
  upstream: UpstreamService,
): Promise<Response> {
  let userId: string | undefined;
  if (route.kind === "socket" || route.access === "token") {
    const token = route.kind === "socket" ? c.req.query("token") : bearerToken(c);
    if (token === undefined || token === "") {
      return unauthorized(
        c,
        "missing_token",
        route.kind === "socket"
          ? "Query parameter token is required"
          : "Authorization header with a Bearer token is required",
      );
    }
    const caller = await verifyCaller(deps.tokens, token, (raw) => raw, deps.logger);
    if (!caller.ok) return unauthorized(c, "invalid_token", caller.error);
    userId = caller.value.userId;
    c.set("userId", userId);
  }
  const verdict = await deps.quotas.spend(route.kind === "socket" ? "other" : route.routeClass, {
    address: c.get("clientAddress"),
    userId,
  });
  if (verdict.kind === "refused") {
    const response = errorResponse(
      c,
      429,
      "rate_limited",
      `Too many requests; try again in ${verdict.tightest.resetSeconds} s`,
    );
    writeRateLimitHeaders(response.headers, verdict);
    response.headers.set("Retry-After", String(verdict.tightest.resetSeconds));
    return response;
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(REQUEST_ID_HEADER, c.get("requestId"));
  const address = c.get("clientAddress");
  if (address !== undefined) headers.set("x-forwarded-for", address);
  const url = new URL(c.req.url);
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  const answer = await upstream.forward(c.req.raw, headers, c.env);
  if (answer.status === 101) return answer;
  // A fetched answer's headers are immutable: the gateway's go on a copy.
  const response = new Response(answer.body, answer);
  writeRateLimitHeaders(response.headers, verdict);
  return response;
}

/** A malformed header is the same 401 as a missing one, worded for it. */
function bearerToken(c: Context): string | undefined {
  const header = c.req.header("Authorization");
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(header.trim());
  return match === null ? "" : match[1];
}

function unauthorized(c: Context, code: string, message: string): Response {
  c.header("WWW-Authenticate", 'Bearer realm="chat-ts"');
  return errorResponse(c, 401, code, message);
}

/**
 * draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy` lists the policies that applied
 * (`q` points per `w` seconds), `RateLimit` the one nearest its end (`r` left, `t` seconds to
 * its reset).
 */
function writeRateLimitHeaders(headers: Headers, verdict: QuotaVerdict): void {
  if (verdict.uses.length === 0) return;
  headers.set("RateLimit-Policy", verdict.uses.map(policyItem).join(", "));
  const tightest = verdict.tightest;
  if (tightest !== undefined) {
    headers.set(
      "RateLimit",
      `"${tightest.policy.name}";r=${tightest.remaining};t=${tightest.resetSeconds}`,
    );
  }
}

const policyItem = (use: QuotaUse) =>
  `"${use.policy.name}";q=${use.policy.points};w=${use.policy.windowSeconds}`;

async function serveClient(c: Context<GatewayEnv>): Promise<Response> {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    return errorResponse(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
  }
  const asset = await readClientAsset(c.req.path);
  switch (asset?.kind) {
    case undefined:
      return errorResponse(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
    case "file":
      return c.body(asset.body, 200, {
        "content-type": asset.type,
        "cache-control": ASSET_CACHE_CONTROL,
      });
    case "not_built":
      return errorResponse(
        c,
        503,
        "not_built",
        `The web client is not built (${asset.file}): run \`deno task build\` in web/`,
      );
    default: {
      const unknown: never = asset;
      throw new Error(`unhandled asset ${JSON.stringify(unknown)}`);
    }
  }
}
