/**
 * Moves user events from the Postgres outbox to their publisher: in position
 * order, at least once, marking rows published only after the publisher has
 * acknowledged them. While the publisher fails (Kafka down), rows wait and
 * the relay retries with exponential backoff; it never stops on its own.
 * Replicas share the work with `FOR UPDATE SKIP LOCKED`: each takes rows no
 * other relay holds. A row waits while an earlier row of the same user is
 * still unpublished outside this batch (held by another relay), so each
 * user's events still reach Kafka in order.
 */
import type { Logger } from "@chat-ts/shared/logger";
import type { Sql } from "@chat-ts/shared/postgres";
import type { OutboxRecord, UserEventPublisher } from "../../domain/user/ports.ts";

export interface OutboxRelayOptions {
  readonly sql: Sql;
  readonly publisher: UserEventPublisher;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** Poll interval while the outbox is empty. */
  readonly idleMs?: number;
  readonly maxBackoffMs?: number;
}

export interface OutboxRelayState {
  readonly healthy: boolean;
  readonly lastError?: string;
  readonly published: number;
}

export class OutboxRelay {
  readonly #o: Required<OutboxRelayOptions>;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #state: OutboxRelayState = { healthy: true, published: 0 };

  constructor(options: OutboxRelayOptions) {
    this.#o = { batchSize: 100, idleMs: 100, maxBackoffMs: 5000, ...options };
  }

  get state(): OutboxRelayState {
    return this.#state;
  }

  /** Unpublished rows, for readiness reports. */
  async pending(): Promise<number> {
    const [{ count }] = await this.#o.sql<{ count: number }[]>`
      select count(*)::int as count from user_outbox where published_at is null`;
    return count;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** Publishes one batch; returns how many rows were published. */
  async publishBatch(): Promise<number> {
    return await this.#o.sql.begin(async (tx) => {
      const rows = await tx<
        { position: string; event_id: string; user_id: string; payload: string }[]
      >`
        with batch as materialized (
          select position, event_id, user_id, payload from user_outbox
          where published_at is null order by position limit ${this.#o.batchSize}
          for update skip locked
        )
        select b.position::text as position, b.event_id, b.user_id, b.payload from batch b
        where not exists (
          select 1 from user_outbox earlier
          where earlier.user_id = b.user_id and earlier.published_at is null
            and earlier.position < b.position
            and earlier.position not in (select position from batch))
        order by b.position`;
      if (rows.length === 0) return 0;
      const records: OutboxRecord[] = rows.map((r) => ({
        eventId: r.event_id,
        userId: r.user_id,
        payload: r.payload,
      }));
      await this.#o.publisher.publish(records);
      const positions = rows.map((r) => r.position);
      await tx`update user_outbox set published_at = now()
               where position = any(${positions}::bigint[])`;
      return rows.length;
    });
  }

  async #run(): Promise<void> {
    let backoff = 0;
    while (this.#running) {
      let published = 0;
      try {
        published = await this.publishBatch();
        if (!this.#state.healthy) this.#o.logger.info("outbox relay recovered");
        this.#state = { healthy: true, published: this.#state.published + published };
        backoff = 0;
      } catch (error) {
        backoff = Math.min(this.#o.maxBackoffMs, backoff === 0 ? 200 : backoff * 2);
        const message = error instanceof Error ? error.message : String(error);
        this.#o.logger.warn("outbox relay could not publish; will retry", {
          error: message,
          backoff_ms: backoff,
        });
        this.#state = { ...this.#state, healthy: false, lastError: message };
      }
      // A full batch means more may be waiting: go again at once.
      if (published === this.#o.batchSize && backoff === 0) continue;
      await this.#sleep(backoff === 0 ? this.#o.idleMs : backoff);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
