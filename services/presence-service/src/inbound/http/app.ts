/** presence-service's HTTP API: presence reads, health and the OpenAPI document. */
import { type Readiness, serviceApp } from "@chat-ts/shared/http";
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
  return serviceApp(deps, {
    title: "chat-ts presence-service",
    description: "Who is online, away or offline, and when they were last seen.",
    tags: [{ name: "Presence", description: "Online status and last seen (docs/presence.md)" }],
  }, (app) => app.route("/", presenceRoutes(deps)));
}

export type AppType = ReturnType<typeof createPresenceApp>;
