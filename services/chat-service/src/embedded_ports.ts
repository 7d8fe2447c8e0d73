/**
 * chat-service's ports for the embedded mode: the Postgres adapters on the
 * PGlite database it is given (message history included), the in-process
 * bus for Kafka, and user-service answered in process. The embedded mode
 * builds chat-service from this and `assembleChatService`, nothing else.
 */
import { busEventSource, type InProcessEventBus } from "@chat-ts/shared/events";
import { postgresIsReady, type Sql } from "@chat-ts/shared/postgres";
import type { ChatPorts } from "./assembly.ts";
import type { RemoteUsers } from "./domain/user/ports.ts";
import { InProcessChatEventPublisher } from "./outbound/memory/chat_event_publisher.ts";
import { PostgresChannelRepository } from "./outbound/postgres/channel_repository.ts";
import { PostgresMessageStore } from "./outbound/postgres/message_store.ts";
import { PostgresUserReplica } from "./outbound/postgres/user_replica.ts";
import { PostgresSessionEndStore } from "./outbound/postgres/session_end_store.ts";
import { TimeUuidGenerator } from "./outbound/time_uuid/time_uuid_generator.ts";

export function embeddedChatPorts(
  deps: { readonly sql: Sql; readonly bus: InProcessEventBus; readonly remoteUsers: RemoteUsers },
): ChatPorts {
  return {
    channels: new PostgresChannelRepository(deps.sql),
    messages: new PostgresMessageStore(deps.sql),
    messageIds: new TimeUuidGenerator(),
    events: new InProcessChatEventPublisher(deps.bus),
    replica: new PostgresUserReplica(deps.sql),
    sessionEnds: new PostgresSessionEndStore(deps.sql),
    remoteUsers: deps.remoteUsers,
    eventSource: busEventSource(deps.bus),
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
