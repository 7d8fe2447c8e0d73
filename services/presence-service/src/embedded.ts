/**
 * presence-service in process, for the embedded mode: live presence in Maps, last seen in
 * process, reports and changes on the in-process bus. Same ports, same assembly.
 */
import { busEventSource, busRecordSink, type InProcessEventBus } from "@chat-ts/shared/events";
import type { Logger } from "@chat-ts/shared/logger";
import { assemblePresenceService } from "./assembly.ts";
import type { PresenceCoreConfig } from "./config.ts";
import type { LastSeenRepository } from "./domain/presence/ports.ts";
import { InMemoryLastSeenRepository } from "./outbound/memory/last_seen_repository.ts";
import { InMemoryPresenceStore } from "./outbound/memory/presence_store.ts";

export function embeddedPresenceService(
  bus: InProcessEventBus,
  config: PresenceCoreConfig,
  logger: Logger,
  lastSeen: LastSeenRepository = new InMemoryLastSeenRepository(),
) {
  return assemblePresenceService(
    {
      store: new InMemoryPresenceStore(),
      lastSeen,
      sink: busRecordSink(bus),
      eventSource: busEventSource(bus),
      dependencies: {},
    },
    { ...config, group: "presence-service" },
    logger,
  );
}

export { presenceCoreConfigShape } from "./config.ts";
export { PostgresLastSeenRepository } from "./outbound/postgres/last_seen_repository.ts";
