import assert from "node:assert/strict";
import { connectPostgres } from "@chat-ts/shared/postgres";
import { testDatabaseUrl } from "../support/env.ts";

Deno.test("postgres: a row written through npm:postgres reads back in both databases", async () => {
  for (const database of ["users", "chat"] as const) {
    const sql = connectPostgres({ url: testDatabaseUrl(database), max: 1 });
    try {
      await sql`create temporary table round_trip (id uuid primary key, body text, at timestamptz)`;
      const id = crypto.randomUUID();
      const at = new Date("2026-01-02T03:04:05.678Z");
      await sql`insert into round_trip ${sql({ id, body: "héllo ✓", at })}`;
      const rows = await sql<{ id: string; body: string; at: Date }[]>`
        select id, body, at from round_trip where id = ${id}`;
      assert.equal(rows.length, 1);
      assert.equal(rows[0].body, "héllo ✓");
      assert.equal(rows[0].at.toISOString(), at.toISOString());
      const [{ current_database }] = await sql<
        { current_database: string }[]
      >`select current_database()`;
      assert.equal(current_database, database);
    } finally {
      await sql.end();
    }
  }
});
