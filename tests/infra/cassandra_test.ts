import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { testCassandraContactPoints, testCassandraKeyspace } from "../support/env.ts";

Deno.test("cassandra: a row written in keyspace chat reads back with its timeuuid order", async () => {
  const client = await connectCassandra({
    contactPoints: testCassandraContactPoints(),
    keyspace: testCassandraKeyspace(),
  });
  try {
    await client.execute(`CREATE TABLE IF NOT EXISTS infra_round_trip (
      pk uuid, id timeuuid, body text, PRIMARY KEY (pk, id)) WITH CLUSTERING ORDER BY (id DESC)`);
    const pk = cassandra.types.Uuid.random();
    const first = cassandra.types.TimeUuid.fromDate(new Date("2026-01-01T00:00:00.001Z"));
    const second = cassandra.types.TimeUuid.fromDate(new Date("2026-01-01T00:00:00.002Z"));
    for (const [id, body] of [[first, "first"], [second, "second"]] as const) {
      await client.execute("INSERT INTO infra_round_trip (pk, id, body) VALUES (?, ?, ?)", [
        pk,
        id,
        body,
      ]);
    }
    const result = await client.execute("SELECT id, body FROM infra_round_trip WHERE pk = ?", [pk]);
    assert.deepEqual(result.rows.map((r) => r.get("body")), ["second", "first"]);
    assert.equal(result.rows[1].get("id").toString(), first.toString());
    await client.execute("DELETE FROM infra_round_trip WHERE pk = ?", [pk]);
  } finally {
    await client.shutdown();
  }
});
