/**
 * Moves user events from `user_outbox` to their publisher, through the shared
 * relay (`@chat-ts/shared/outbox`): in position order, at least once, each
 * user's events in order, retrying with backoff while Kafka is down. Replicas
 * share the work with `FOR UPDATE SKIP LOCKED`.
 */
import type { Logger } from "@chat-ts/shared/logger";
import { OutboxRelay as SharedOutboxRelay } from "@chat-ts/shared/outbox";
import type { Sql } from "@chat-ts/shared/postgres";
import type { UserEventPublisher } from "../../domain/user/ports.ts";

export interface OutboxRelayOptions {
  readonly sql: Sql;
  readonly publisher: UserEventPublisher;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** Poll interval while the outbox is empty. */
  readonly idleMs?: number;
  readonly maxBackoffMs?: number;
}

export type { OutboxRelayState } from "@chat-ts/shared/outbox";

export class OutboxRelay extends SharedOutboxRelay {
  constructor({ publisher, ...options }: OutboxRelayOptions) {
    super({
      ...options,
      table: { name: "user_outbox", keyColumn: "user_id" },
      sink: (records) =>
        publisher.publish(
          records.map((r) => ({ eventId: r.eventId, userId: r.key, payload: r.payload })),
        ),
    });
  }
}
