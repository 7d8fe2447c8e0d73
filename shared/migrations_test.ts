import assert from "node:assert/strict";
import { connectCassandra } from "./cassandra.ts";
import { silentLogger } from "./logger.ts";
import {
  migrateCassandra,
  migratePostgres,
  type Migration,
  MigrationError,
  readMigrations,
  splitStatements,
} from "./migrations.ts";
import { connectPostgres } from "./postgres.ts";

const adminUrl = Deno.env.get("CHAT_DATABASE_URL") ?? "postgres://chat:chat@127.0.0.1:5432/chat";
const cassandraPoints = (Deno.env.get("CASSANDRA_CONTACT_POINTS") ?? "127.0.0.1:9042").split(",");

async function migrationsIn(
  files: Record<string, string>,
  ext: "sql" | "cql",
): Promise<Migration[]> {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, body] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, body);
    }
    return await readMigrations(dir, ext);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("migrations: files are read in numeric version order; other files are ignored", async () => {
  const migrations = await migrationsIn({
    "10_later.sql": "select 10;",
    "2_second.sql": "select 2;",
    "0001_first.sql": "select 1;",
    "README.md": "not a migration",
    "0003_cassandra.cql": "ignored for sql",
  }, "sql");
  assert.deepEqual(migrations.map((m) => `${m.version}_${m.name}`), [
    "0001_first",
    "2_second",
    "10_later",
  ]);
});

Deno.test("migrations: two files with the same version are refused", async () => {
  await assert.rejects(
    migrationsIn({ "1_a.sql": "select 1;", "01_b.sql": "select 1;" }, "sql"),
    MigrationError,
  );
});

Deno.test("migrations: CQL statements split on semicolons, comments dropped", () => {
  assert.deepEqual(
    splitStatements(
      "-- a table\nCREATE TABLE a (x int PRIMARY KEY);\n\nCREATE TABLE b (y int PRIMARY KEY);",
    ),
    ["CREATE TABLE a (x int PRIMARY KEY)", "CREATE TABLE b (y int PRIMARY KEY)"],
  );
});

Deno.test("migrations: postgres applies once, records versions and refuses an edited migration", async () => {
  const database = `migrate_test_${crypto.randomUUID().slice(0, 8)}`;
  const admin = connectPostgres({ url: adminUrl, max: 1 });
  await admin.unsafe(`create database ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const sql = connectPostgres({ url: url.toString(), max: 1 });
  try {
    const v1 = await migrationsIn({
      "0001_create.sql": "create table thing (id int primary key);",
      "0002_seed.sql": "insert into thing values (1); insert into thing values (2);",
    }, "sql");
    assert.deepEqual(await migratePostgres(sql, v1, silentLogger), ["0001", "0002"]);
    assert.deepEqual(await migratePostgres(sql, v1, silentLogger), []);
    const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from thing`;
    assert.equal(count, 2);

    const edited = await migrationsIn({
      "0001_create.sql": "create table thing (id bigint primary key);",
    }, "sql");
    await assert.rejects(
      migratePostgres(sql, edited, silentLogger),
      /changed after it was applied/,
    );

    const broken = await migrationsIn({
      "0001_create.sql": "create table thing (id int primary key);",
      "0002_seed.sql": "insert into thing values (1); insert into thing values (2);",
      "0003_bad.sql": "create table ok_table (id int); select * from missing_table;",
    }, "sql");
    await assert.rejects(migratePostgres(sql, broken, silentLogger));
    const [{ exists }] = await sql<{ exists: boolean }[]>`
      select exists (select from pg_tables where tablename = 'ok_table') as exists`;
    assert.equal(exists, false, "a failed migration leaves nothing behind");
  } finally {
    await sql.end();
    await admin.unsafe(`drop database if exists ${database}`);
    await admin.end();
  }
});

Deno.test("migrations: cassandra creates the keyspace, applies once and records versions", async () => {
  const keyspace = `migrate_test_${crypto.randomUUID().slice(0, 8)}`;
  const client = await connectCassandra({ contactPoints: cassandraPoints });
  try {
    const migrations = await migrationsIn({
      "0001_things.cql": "CREATE TABLE IF NOT EXISTS things (id int PRIMARY KEY, v text);\n" +
        "CREATE TABLE IF NOT EXISTS others (id int PRIMARY KEY);",
    }, "cql");
    assert.deepEqual(await migrateCassandra(client, keyspace, 1, migrations, silentLogger), [
      "0001",
    ]);
    assert.deepEqual(await migrateCassandra(client, keyspace, 1, migrations, silentLogger), []);
    await client.execute(`INSERT INTO ${keyspace}.things (id, v) VALUES (1, 'x')`);
    const rows = await client.execute(`SELECT version FROM ${keyspace}.schema_migrations`);
    assert.deepEqual(rows.rows.map((r) => r.get("version")), ["0001"]);
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  }
});
