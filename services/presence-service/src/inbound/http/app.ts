/** presence-service's HTTP API: presence reads, health and the OpenAPI document. */
import {
  createApiApp,
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
  app.doc("/openapi.json", {
    openapi: "3.0.0",
    info: { title: "chat-ts presence-service", version: "0.1.0" },
  });
  return routes;
}

export type AppType = ReturnType<typeof createPresenceApp>;
