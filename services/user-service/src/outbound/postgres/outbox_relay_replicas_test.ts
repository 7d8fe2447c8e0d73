/**
 * Two relays over one outbox (two replicas): rows another relay holds are
 * skipped, and a user's later event waits until the earlier one is published,
 * so per-user order survives `FOR UPDATE SKIP LOCKED`.
 */
import assert from "node:assert/strict";
import { encodeEvent } from "@chat-ts/shared/events";
import { silentLogger } from "@chat-ts/shared/logger";
import { connectPostgres } from "@chat-ts/shared/postgres";
import { testDatabaseUrl } from "../../../../../tests/support/env.ts";
import type { OutboxRecord, UserEventPublisher } from "../../domain/user/ports.ts";
import { OutboxRelay } from "./outbox_relay.ts";

class RecordingPublisher implements UserEventPublisher {
  readonly records: OutboxRecord[] = [];
  publish(records: readonly OutboxRecord[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test({
  name: "outbox relay: a second replica skips held rows and keeps each user's order",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connectPostgres({ url: testDatabaseUrl("users"), max: 4 });
    const x = crypto.randomUUID();
    const y = crypto.randomUUID();
    // Valid user_deleted records: any live relay sharing this database may publish them for real.
    const row = async (userId: string) => {
      const eventId = crypto.randomUUID();
      const payload = encodeEvent({
        event_type: "user_deleted",
        event_id: eventId,
        user_id: userId,
        deleted_at: new Date().toISOString(),
      });
      const [{ position }] = await sql<{ position: string }[]>`
        insert into user_outbox (event_id, user_id, payload) values (${eventId}, ${userId}, ${payload})
        returning position::text as position`;
      return { eventId, position };
    };
    try {
      const x1 = await row(x);
      const x2 = await row(x);
      const y1 = await row(y);

      const publisher = new RecordingPublisher();
      const relay = new OutboxRelay({ sql, publisher, logger: silentLogger });
      const mine = () => publisher.records.map((r) => r.eventId);

      // Replica A holds x1 (it is publishing it) until `release` resolves.
      let release = () => {};
      const released = new Promise<void>((resolve) => release = resolve);
      let held = () => {};
      const holding = new Promise<void>((resolve) => held = resolve);
      const replicaA = sql.begin(async (tx) => {
        await tx`select 1 from user_outbox where position = ${x1.position} for update`;
        held();
        await released;
        await tx`update user_outbox set published_at = now() where position = ${x1.position}`;
      });
      await holding;

      await relay.publishBatch();
      assert.ok(!mine().includes(x1.eventId), "a held row is skipped");
      assert.ok(!mine().includes(x2.eventId), "x2 waits for x1, held by the other replica");
      const [{ y1Published }] = await sql<{ y1Published: boolean }[]>`
        select published_at is not null as "y1Published" from user_outbox
        where position = ${y1.position}`;
      assert.ok(y1Published, "another user's row is not held up");

      release();
      await replicaA;
      await relay.publishBatch();
      const published = await sql<{ event_id: string; published: boolean }[]>`
        select event_id, published_at is not null as published from user_outbox
        where user_id = ${x} order by position`;
      assert.deepEqual(published.map((r) => r.published), [true, true]);
      assert.ok(!mine().includes(x1.eventId), "x1 was published once, by its holder");
    } finally {
      await sql`delete from user_outbox where user_id in (${x}, ${y})`;
      await sql.end();
    }
  },
});
