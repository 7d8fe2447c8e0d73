/**
 * One origin for everything: the gateway's own app (services/gateway: the same routing,
 * token and session checks, limits, request ids, access log and security headers as the real
 * deployment) in front of user-service's, chat-service's and presence-service's apps in this
 * process, plus each service's own document and health answers that cover all three (the
 * gateway serves the merged `/openapi.json`, `/asyncapi.json` and `/docs`).
 */
import { quotasIn } from "@chat-ts/gateway/quotas";
import { createGatewayApp } from "@chat-ts/gateway/app";
import type { GatewayEdgeConfig } from "@chat-ts/gateway/config";
import { inProcessUpstream } from "@chat-ts/gateway/in-process";
import type { Readiness } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { LimitStore } from "@chat-ts/shared/limits";
import type { Logger } from "@chat-ts/shared/logger";

interface ServiceApp {
  /** `env` is Deno.serve's handler info (the client's address), passed on as is. */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

export interface EmbeddedAppDeps {
  readonly users: ServiceApp;
  readonly chat: ServiceApp;
  readonly presence: ServiceApp;
  readonly readiness: {
    readonly users: () => Promise<Readiness>;
    readonly chat: () => Promise<Readiness>;
  };
  /** Verifies access tokens and refuses those of sessions ended while this process runs. */
  readonly tokens: TokenCodec;
  /** The gateway's limits: in this process (one process is the whole deployment). */
  readonly limits: LimitStore;
  readonly edge: GatewayEdgeConfig;
  readonly logger: Logger;
}

export function createEmbeddedApp(deps: EmbeddedAppDeps) {
  const { users, chat, presence } = deps;
  return createGatewayApp({
    upstreams: {
      users: inProcessUpstream(users),
      chat: inProcessUpstream(chat),
      presence: inProcessUpstream(presence),
    },
    tokens: deps.tokens,
    quotas: quotasIn(deps.limits, deps.edge),
    logger: deps.logger.child({ component: "gateway" }),
    trustedProxies: deps.edge.GATEWAY_TRUSTED_PROXIES,
    corsOrigins: deps.edge.GATEWAY_CORS_ORIGINS,
    readiness: async () => {
      const [u, c] = await Promise.all([deps.readiness.users(), deps.readiness.chat()]);
      return {
        ready: u.ready && c.ready,
        checks: { "user-service": u.checks, "chat-service": c.checks },
      };
    },
    // Each service's OpenAPI document, under a name (each serves /openapi.json on its own).
    extraRoutes: (app) =>
      app
        .get("/openapi/user-service.json", (c) => users.fetch(openApiRequest(c.req.url)))
        .get("/openapi/chat-service.json", (c) => chat.fetch(openApiRequest(c.req.url)))
        .get("/openapi/presence-service.json", (c) => presence.fetch(openApiRequest(c.req.url))),
  });
}

function openApiRequest(url: string): Request {
  return new Request(new URL("/openapi.json", url));
}
