/**
 * user-service's HTTP API (DESIGN §3): one module per resource under `routes/`, each route
 * defined beside its handler, mounted here with `.route()` so `AppType` carries every route's
 * types to clients built with `hc<AppType>`.
 */
import { type Readiness, serviceApp, type TrustedProxies } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { KeyedLimit } from "@chat-ts/shared/limits";
import type { Logger } from "@chat-ts/shared/logger";
import type { Registry } from "@chat-ts/shared/metrics";
import type { UserService } from "../../domain/user/service.ts";
import { authRoutes, type LoginThrottles } from "./routes/auth.ts";
import { userRoutes } from "./routes/users.ts";

export interface UserAppDeps {
  readonly users: UserService;
  readonly tokens: TokenCodec;
  readonly logger: Logger;
  readonly readiness: () => Promise<Readiness>;
  /** Failed-login backoff per username and per client address; none: no throttling. */
  readonly loginThrottle?: LoginThrottles;
  readonly bodyTimeoutMs?: number;
  /** Peers whose `X-Forwarded-For` names the client (the gateway); none: the peer is. */
  readonly trustedProxies?: TrustedProxies;
  /** People searches per user (none: no limit). */
  readonly searchLimit?: KeyedLimit;
  /** Served at `GET /metrics` with the request metrics; none: no `/metrics`. */
  readonly metrics?: Registry;
}

export function createUserApp(deps: UserAppDeps) {
  return serviceApp(deps, {
    title: "chat-ts user-service",
    description: "Accounts and sessions: register, log in, refresh, log out, find people.",
    tags: [
      { name: "Users", description: "Accounts: register, read, change, delete, search" },
      { name: "Sessions", description: "Logging in and out, refreshing tokens" },
    ],
  }, (app) => app.route("/", userRoutes(deps)).route("/", authRoutes(deps)));
}

export type AppType = ReturnType<typeof createUserApp>;
