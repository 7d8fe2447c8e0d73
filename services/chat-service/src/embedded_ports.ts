/**
 * chat-service's ports for the embedded mode: the Postgres adapters on the
 * PGlite database it is given (message history and the event outbox
 * included), the in-process bus for Kafka, and user-service answered in process. The embedded mode
 * builds chat-service from this and `assembleChatService`, nothing else.
 */
import { busEventSource, busRecordSink, type InProcessEventBus } from "@chat-ts/shared/events";
import type { Logger } from "@chat-ts/shared/logger";
import { postgresIsReady, postgresUnavailable, type Sql } from "@chat-ts/shared/postgres";
import { unavailableAs } from "@chat-ts/shared/unavailable";
import type { ChatPorts } from "./assembly.ts";
import type { RemoteUsers } from "./domain/user/ports.ts";
import { InProcessChatEventPublisher } from "./outbound/memory/chat_event_publisher.ts";
import { PostgresChatOutbox } from "./outbound/postgres/chat_outbox.ts";
import { PostgresChannelRepository } from "./outbound/postgres/channel_repository.ts";
import { PostgresMessageStore } from "./outbound/postgres/message_store.ts";
import { PostgresUserReplica } from "./outbound/postgres/user_replica.ts";
import { PostgresSessionEndStore } from "./outbound/postgres/session_end_store.ts";
import { PostgresReadMarkers } from "./outbound/postgres/read_markers.ts";
import { TimeUuidGenerator } from "./outbound/time_uuid/time_uuid_generator.ts";

export function embeddedChatPorts(
  deps: {
    readonly sql: Sql;
    readonly bus: InProcessEventBus;
    readonly remoteUsers: RemoteUsers;
    readonly logger: Logger;
  },
): ChatPorts {
  // The same outbox as the real deployment; its relay forwards to the bus.
  const bus = new InProcessChatEventPublisher(deps.bus);
  const outbox = new PostgresChatOutbox(deps.sql, (records) => bus.forward(records), deps.logger);
  const port = <T extends object>(p: T) => unavailableAs("postgres", postgresUnavailable, p);
  return {
    channels: port(new PostgresChannelRepository(deps.sql)),
    messages: port(new PostgresMessageStore(deps.sql)),
    messageIds: new TimeUuidGenerator(),
    events: port(outbox),
    outbox: outbox.relay,
    replica: port(new PostgresUserReplica(deps.sql)),
    sessionEnds: port(new PostgresSessionEndStore(deps.sql)),
    reads: port(new PostgresReadMarkers(deps.sql)),
    remoteUsers: deps.remoteUsers,
    eventSource: busEventSource(deps.bus),
    presenceSink: busRecordSink(deps.bus),
    dependencies: {
      postgres: async () => {
        const ok = await postgresIsReady(deps.sql);
        return { ok, report: ok ? "ok" : "unavailable" };
      },
    },
  };
}

export type { RemoteUsers } from "./domain/user/ports.ts";
export type { UserId } from "./domain/ids.ts";
