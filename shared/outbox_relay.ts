/**
 * Moves events from a Postgres outbox table to their sink (Kafka, or the
 * in-process bus): in position order, at least once, marking rows published
 * only after the sink has acknowledged them. While the sink fails (Kafka
 * down), rows wait in the table — memory stays bounded by one batch — and the
 * relay retries with exponential backoff; it never stops on its own.
 * Replicas share the work with `FOR UPDATE SKIP LOCKED`: each takes rows no
 * other relay holds. A row waits while an earlier row with the same key is
 * still unpublished outside this batch (held by another relay), so each key's
 * events still reach the sink in order.
 *
 * Used by user-service (`user_outbox`, keyed by user) and chat-service
 * (`chat_outbox`, keyed by channel). A table has the columns `position
 * bigserial`, `event_id uuid unique`, the key column, `payload text`,
 * `published_at timestamptz`, and optionally a headers column (a JSON object
 * of strings as text).
 */
import type { Logger } from "./logger.ts";
import { observedCounter, observedGauge, type Registry } from "./metrics.ts";
import type { Sql } from "./postgres.ts";
import { withTimeout } from "./timeout.ts";

/** One row on its way out: an encoded event, the key that orders it, and its record headers. */
export interface OutboxRecord {
  readonly eventId: string;
  readonly key: string;
  readonly payload: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Resolves once every record is acknowledged; rejects if any is not. */
export type OutboxSink = (records: readonly OutboxRecord[]) => Promise<void>;

export interface OutboxTable {
  /** Trusted identifiers, not input. */
  readonly name: string;
  readonly keyColumn: string;
  /** A text column of record headers (a JSON object of strings); absent: no headers. */
  readonly headersColumn?: string;
}

export interface OutboxRelayOptions {
  readonly sql: Sql;
  readonly table: OutboxTable;
  readonly sink: OutboxSink;
  readonly logger: Logger;
  readonly batchSize?: number;
  /**
   * Poll interval while the outbox is empty: for rows other processes wrote and never relayed
   * (a writer's own rows wake its relay at once). Kept long so an idle service does not query.
   */
  readonly idleMs?: number;
  /** Wait before trying again rows held back behind an earlier row another relay holds. */
  readonly heldBackMs?: number;
  readonly maxBackoffMs?: number;
  /** A sink that has not answered by then counts as failed (the batch is retried). */
  readonly publishTimeoutMs?: number;
  /** Published rows older than this are deleted; undefined keeps them. */
  readonly retainPublishedMs?: number;
}

export interface OutboxRelayState {
  readonly healthy: boolean;
  readonly lastError?: string;
  readonly published: number;
}

const PRUNE_EVERY_MS = 10_000;

export class OutboxRelay {
  readonly #o: Required<Omit<OutboxRelayOptions, "retainPublishedMs">> & {
    retainPublishedMs?: number;
  };
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  #state: OutboxRelayState = { healthy: true, published: 0 };
  #prunedAt = 0;

  constructor(options: OutboxRelayOptions) {
    this.#o = {
      batchSize: 100,
      idleMs: 1000,
      heldBackMs: 20,
      // Short enough that events flow again within ~2 s of the sink's return (one query per
      // retry while it is away costs nothing worth saving).
      maxBackoffMs: 2000,
      publishTimeoutMs: 10_000,
      ...options,
    };
  }

  get state(): OutboxRelayState {
    return this.#state;
  }

  /** Unpublished rows, for readiness reports. */
  async pending(): Promise<number> {
    const [{ count }] = await this.#o.sql<{ count: number }[]>`
      select count(*)::int as count from ${this.#o.sql(this.#o.table.name)}
      where published_at is null`;
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

  /** A row was just written: relay now instead of at the next poll (ignored while backing off). */
  wake(): void {
    this.#woken = true;
    if (this.#state.healthy) this.#wake?.();
  }

  /** Publishes one batch; returns how many rows were published. */
  async publishBatch(): Promise<number> {
    return (await this.#publishBatch()).published;
  }

  /**
   * Whether any row waits: one statement, where a batch is a transaction of three. The idle poll
   * asks this first, so a quiet service makes one round trip a second.
   */
  async #anyUnpublished(): Promise<boolean> {
    const { sql, table } = this.#o;
    const [{ waiting }] = await sql<{ waiting: boolean }[]>`
      select exists (select 1 from ${sql(table.name)} where published_at is null) as waiting`;
    return waiting;
  }

  /** `heldBack`: rows of the batch left for later, behind an earlier row another relay holds. */
  async #publishBatch(): Promise<{ published: number; heldBack: boolean }> {
    const { sql, table, batchSize } = this.#o;
    const name = sql(table.name);
    const key = sql(table.keyColumn);
    const headers = table.headersColumn === undefined
      ? sql`'{}'`
      : sql`${sql(table.headersColumn)}`;
    // A connection of its own, with `begin` sent together with the select and the update with
    // `commit`: two round trips where `sql.begin` makes four, the relay's share of a quiet send.
    const tx = await sql.reserve();
    try {
      const [, rows] = await Promise.all([
        tx`begin`,
        tx<
          {
            position: string;
            event_id: string;
            key: string;
            payload: string;
            headers: string;
            held_back: boolean;
          }[]
        >`
        with batch as materialized (
          select position, event_id, ${key} as key, payload, ${headers} as headers from ${name}
          where published_at is null order by position limit ${batchSize}
          for update skip locked
        )
        select b.position::text as position, b.event_id, b.key::text as key, b.payload,
          b.headers,
          exists (
            select 1 from ${name} earlier
            where earlier.${key} = b.key and earlier.published_at is null
              and earlier.position < b.position
              and earlier.position not in (select position from batch)) as held_back
        from batch b
        order by b.position`,
      ]);
      const ready = rows.filter((r) => !r.held_back);
      const heldBack = ready.length < rows.length;
      if (ready.length === 0) {
        await tx`commit`;
        return { published: 0, heldBack };
      }
      await withTimeout(
        this.#o.sink(ready.map((r) => ({
          eventId: r.event_id,
          key: r.key,
          payload: r.payload,
          headers: parseHeaders(r.headers),
        }))),
        this.#o.publishTimeoutMs,
        "outbox sink timed out",
      );
      const positions = ready.map((r) => r.position);
      await Promise.all([
        tx`update ${name} set published_at = now()
           where position = any(${positions}::bigint[])`,
        tx`commit`,
      ]);
      return { published: ready.length, heldBack };
    } catch (error) {
      // Unpublished, so the rows stay for the next try; a connection that broke has no
      // transaction left to roll back.
      await withTimeout(tx`rollback`, 5000, "rollback timed out").catch(() => {});
      throw error;
    } finally {
      tx.release();
    }
  }

  async #prune(): Promise<void> {
    const retain = this.#o.retainPublishedMs;
    if (retain === undefined || performance.now() - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = performance.now();
    await this.#o.sql`delete from ${this.#o.sql(this.#o.table.name)}
      where published_at < now() - make_interval(secs => ${retain / 1000})`;
  }

  async #run(): Promise<void> {
    let backoff = 0;
    // An idle poll (not woken, nothing left over from the last batch) probes before it locks.
    let probe = false;
    while (this.#running) {
      let published = 0;
      let heldBack = false;
      const woken = this.#woken;
      this.#woken = false;
      try {
        if (!probe || woken || await this.#anyUnpublished()) {
          ({ published, heldBack } = await this.#publishBatch());
        }
        await this.#prune();
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
      // A full batch means more may be waiting, and a wake-up during the batch a new row.
      if (backoff === 0 && (published === this.#o.batchSize || this.#woken)) {
        probe = false;
        continue;
      }
      probe = backoff === 0 && !heldBack;
      await this.#sleep(
        backoff > 0 ? backoff : heldBack ? this.#o.heldBackMs : this.#o.idleMs,
      );
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

/** A headers column's text as headers: a JSON object's string values (the relay's own rows). */
function parseHeaders(text: string): Readonly<Record<string, string>> {
  if (text === "{}") return {};
  const parsed: unknown = JSON.parse(text);
  const headers: Record<string, string> = {};
  if (typeof parsed !== "object" || parsed === null) return headers;
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}

/** The relay's depth (a `count(*)` per scrape, bounded by the timeout), progress and health. */
export function outboxMetrics(registry: Registry, relay: OutboxRelay): void {
  observedGauge(
    registry,
    "outbox_pending_records",
    "Outbox rows not yet published (NaN while the database does not answer)",
    () => withTimeout(relay.pending(), 1000),
  );
  observedCounter(
    registry,
    "outbox_published_total",
    "Outbox rows this process published",
    () => relay.state.published,
  );
  observedGauge(
    registry,
    "outbox_relay_healthy",
    "1 while the relay publishes, 0 while its sink fails and it retries",
    () => relay.state.healthy ? 1 : 0,
  );
}
