/** The replica against real Postgres: idempotent, order-safe, deletes win. */
import assert from "node:assert/strict";
import { connectPostgres, type Sql } from "@chat-ts/shared/postgres";
import type { UserId } from "../../domain/ids.ts";
import type { UserChange } from "../../domain/user/models.ts";
import { PostgresUserReplica } from "./user_replica.ts";
import { testDatabaseUrl } from "../../../../../tests/support/env.ts";

const url = testDatabaseUrl("chat");

/** A test with a replica on its own connection, closed afterwards. */
function replicaTest(
  name: string,
  fn: (replica: PostgresUserReplica, sql: Sql) => Promise<void>,
) {
  Deno.test({
    name,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const sql = connectPostgres({ url, max: 2 });
      try {
        await fn(new PostgresUserReplica(sql), sql);
      } finally {
        await sql.end();
      }
    },
  });
}

const upsert = (userId: UserId, username: string, at: string): UserChange => ({
  type: "upserted",
  eventId: crypto.randomUUID(),
  userId,
  username,
  email: `${username}@example.com`,
  at: new Date(at),
});

replicaTest(
  "user replica: converges, ignores replays and older updates, and a delete wins",
  async (replica, sql) => {
    const id = crypto.randomUUID() as UserId;
    assert.equal(await replica.find(id), undefined);
    const created = upsert(id, "ada", "2026-01-01T00:00:00.000Z");
    assert.equal(await replica.apply(created), true);
    assert.deepEqual(await replica.find(id), { status: "found", username: "ada" });
    assert.equal(await replica.apply(created), false, "a replayed event changes nothing");

    const renamed = upsert(id, "ada_l", "2026-01-02T00:00:00.000Z");
    assert.equal(await replica.apply(renamed), true);
    const stale = upsert(id, "ada_old", "2026-01-01T12:00:00.000Z");
    assert.equal(await replica.apply(stale), false, "an older update arriving late is ignored");
    assert.deepEqual(await replica.find(id), { status: "found", username: "ada_l" });

    const deleted: UserChange = {
      type: "deleted",
      eventId: crypto.randomUUID(),
      userId: id,
      at: new Date("2026-01-03T00:00:00Z"),
    };
    assert.equal(await replica.apply(deleted), true);
    assert.deepEqual(await replica.find(id), { status: "not_found" });
    assert.equal(await replica.apply(deleted), false);
    assert.equal(await replica.apply(renamed), false, "updates after a delete change nothing");
    assert.equal(await replica.apply(upsert(id, "zombie", "2026-01-04T00:00:00Z")), false);
    await replica.remember(id, "zombie");
    assert.deepEqual(await replica.find(id), { status: "not_found" });
    const [row] = await sql`select username, email from user_replica where user_id = ${id}`;
    assert.deepEqual(
      { ...row },
      { username: null, email: null },
      "no personal data stays behind",
    );
  },
);

replicaTest(
  "user replica: a user written through from gRPC yields to any event",
  async (replica) => {
    const id = crypto.randomUUID() as UserId;
    await replica.remember(id, "from_grpc");
    assert.deepEqual(await replica.find(id), { status: "found", username: "from_grpc" });
    assert.equal(await replica.apply(upsert(id, "from_event", "2020-01-01T00:00:00Z")), true);
    assert.deepEqual(await replica.find(id), { status: "found", username: "from_event" });
    await replica.remember(id, "from_grpc_again");
    assert.deepEqual(await replica.find(id), { status: "found", username: "from_event" });
  },
);

replicaTest(
  "user replica: idsOf finds the current holder of each name ignoring case, never a deleted user",
  async (replica) => {
    const suffix = crypto.randomUUID().slice(0, 8);
    const [ada, bo] = [crypto.randomUUID() as UserId, crypto.randomUUID() as UserId];
    await replica.apply(upsert(ada, `Ada_${suffix}`, "2026-01-01T00:00:00.000Z"));
    await replica.apply(upsert(bo, `bo_${suffix}`, "2026-01-01T00:00:00.000Z"));
    const names = [`ada_${suffix}`, `bo_${suffix}`, `nobody_${suffix}`];
    assert.deepEqual(
      await replica.idsOf(names),
      new Map([[`ada_${suffix}`, ada], [`bo_${suffix}`, bo]]),
    );
    await replica.apply({
      type: "deleted",
      eventId: crypto.randomUUID(),
      userId: bo,
      at: new Date(),
    });
    assert.deepEqual(await replica.idsOf(names), new Map([[`ada_${suffix}`, ada]]));
    assert.deepEqual(await replica.idsOf([]), new Map());
  },
);
