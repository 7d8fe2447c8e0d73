/** presence-service's HTTP API: presence reads, health and the OpenAPI document. */
import {
  createApiApp,
  documentApi,
  installApiDefaults,
  liveHandler,
  type Readiness,
  readyHandler,
} from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { Registry } from "@chat-ts/shared/metrics";
import type { PresenceService } from "../../domain/presence/service.ts";
import { presenceRoutes } from "./routes/presence.ts";

export interface PresenceAppDeps {
  readonly presence: PresenceService;
  readonly tokens: TokenCodec;
  readonly logger: Logger;
  readonly readiness: () => Promise<Readiness>;
  /** Served at `GET /metrics` with the request metrics; none: no `/metrics`. */
  readonly metrics?: Registry;
}

export function createPresenceApp(deps: PresenceAppDeps) {
  const app = createApiApp();
  installApiDefaults(app, deps.logger, { metrics: deps.metrics });
  const routes = app
    .route("/", presenceRoutes(deps))
    .get("/health/live", liveHandler)
    .get("/health/ready", readyHandler(deps.readiness));
  documentApi(app, {
    title: "chat-ts presence-service",
    description: "Who is online, away or offline, and when they were last seen.",
  }, [{ name: "Presence", description: "Online status and last seen (docs/presence.md)" }]);
  return routes;
}

export type AppType = ReturnType<typeof createPresenceApp>;
