/**
 * Applies numbered schema files (`0001_name.sql`, `0001_name.cql`) once each,
 * in order, recording version and checksum in `schema_migrations`. An applied
 * file that was edited afterwards is an error, not a silent skip.
 */
import type { Logger } from "./logger.ts";
import type { Sql } from "./postgres.ts";

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly body: string;
  readonly checksum: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

const FILE_NAME = /^(\d+)_([A-Za-z0-9_-]+)\.(sql|cql)$/;

/** Reads `dir` and returns its migrations in version order. */
export async function readMigrations(dir: string, extension: "sql" | "cql"): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile) continue;
    const match = FILE_NAME.exec(entry.name);
    if (match === null || match[3] !== extension) continue;
    const body = await Deno.readTextFile(`${dir}/${entry.name}`);
    migrations.push({ version: match[1], name: match[2], body, checksum: await sha256(body) });
  }
  migrations.sort((a, b) => Number(a.version) - Number(b.version));
  for (let i = 1; i < migrations.length; i++) {
    if (Number(migrations[i].version) === Number(migrations[i - 1].version)) {
      throw new MigrationError(`${dir}: two migrations share version ${migrations[i].version}`);
    }
  }
  return migrations;
}

/** Applies pending Postgres migrations in one transaction; returns the versions applied now. */
export async function migratePostgres(
  sql: Sql,
  migrations: readonly Migration[],
  logger: Logger,
  /** Where applied versions are recorded; a second set of migrations in one database needs its own. */
  historyTable = "schema_migrations",
): Promise<string[]> {
  const history = sql(historyTable);
  await sql`
    create table if not exists ${history} (
      version text primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`;
  return await sql.begin(async (tx) => {
    // Two processes migrating at once (e.g. two service replicas) take turns.
    await tx`select pg_advisory_xact_lock(hashtext(${"chat-ts " + historyTable}))`;
    const rows = await tx<{ version: string; checksum: string }[]>`
      select version, checksum from ${history}`;
    const done: string[] = [];
    for (const m of pending(migrations, rows)) {
      await tx.unsafe(m.body);
      await tx`insert into ${history} (version, name, checksum)
               values (${m.version}, ${m.name}, ${m.checksum})`;
      logger.info("applied migration", { version: m.version, name: m.name });
      done.push(m.version);
    }
    return done;
  });
}

/**
 * What the CQL runner uses of a cassandra-driver `Client`: declared here so
 * that a Postgres-only process (the embedded mode) never loads the driver.
 */
export interface CqlClient {
  execute(
    query: string,
    params?: unknown[],
    options?: { prepare: boolean },
  ): Promise<{ rows: { get(column: string): unknown }[] }>;
}

/**
 * Creates the keyspace if needed and applies pending CQL migrations. Cassandra
 * has no transactions, so each statement must be idempotent (`IF NOT EXISTS`).
 */
export async function migrateCassandra(
  client: CqlClient,
  keyspace: string,
  replicationFactor: number,
  migrations: readonly Migration[],
  logger: Logger,
): Promise<string[]> {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(keyspace)) {
    throw new MigrationError(`invalid keyspace name: ${keyspace}`);
  }
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ` +
      `{'class': 'SimpleStrategy', 'replication_factor': ${replicationFactor}}`,
  );
  await client.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (
    version text PRIMARY KEY, name text, checksum text, applied_at timestamp)`);
  const result = await client.execute(
    `SELECT version, checksum FROM ${keyspace}.schema_migrations`,
  );
  const applied = result.rows.map((r) => ({
    version: String(r.get("version")),
    checksum: String(r.get("checksum")),
  }));
  const done: string[] = [];
  for (const m of pending(migrations, applied)) {
    await client.execute(`USE ${keyspace}`);
    for (const statement of splitStatements(m.body)) await client.execute(statement);
    await client.execute(
      `INSERT INTO ${keyspace}.schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`,
      [m.version, m.name, m.checksum, new Date()],
      { prepare: true },
    );
    logger.info("applied migration", { version: m.version, name: m.name, keyspace });
    done.push(m.version);
  }
  return done;
}

/** The migrations not applied yet, in order; one changed after it was applied is an error. */
function pending(
  migrations: readonly Migration[],
  applied: readonly { version: string; checksum: string }[],
): Migration[] {
  const checksums = new Map(applied.map((a) => [a.version, a.checksum]));
  return migrations.filter((m) => {
    const checksum = checksums.get(m.version);
    if (checksum !== undefined && checksum !== m.checksum) throw changedAfterApply(m);
    return checksum === undefined;
  });
}

/** Splits a CQL file on statement-ending semicolons, dropping `--` comments. */
export function splitStatements(body: string): string[] {
  return body
    .split("\n")
    .map((line) => line.replace(/--.*$/, ""))
    .join("\n")
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function changedAfterApply(m: Migration): MigrationError {
  return new MigrationError(
    `migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`,
  );
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
