/**
 * Adapter contract tests: one list of cases per port, run against every
 * implementation of it — the in-process ones the embedded mode uses and the
 * real ones (Postgres, Cassandra, Kafka, gRPC) — so both modes behave alike.
 */
import { silentLogger } from "@chat-ts/shared/logger";
import { migratePostgres, readMigrations } from "@chat-ts/shared/migrations";
import { type EmbeddedPostgres, openEmbeddedPostgres } from "@chat-ts/shared/pglite";
import { connectPostgres, type Sql } from "@chat-ts/shared/postgres";
import { testDatabaseUrl } from "../support/env.ts";

export interface Implementation<T> {
  readonly name: string;
  open(): Promise<{ readonly subject: T; close(): Promise<void> }>;
}

export type Cases<T> = Record<string, (subject: T) => Promise<void>>;

/** One test per implementation, one step per case, all on one opened subject. */
export function contract<T>(port: string, implementations: Implementation<T>[], cases: Cases<T>) {
  for (const implementation of implementations) {
    Deno.test({
      name: `${port} contract [${implementation.name}]`,
      // Driver pools and consumers outlive single steps by design.
      sanitizeResources: false,
      sanitizeOps: false,
      async fn(t) {
        const { subject, close } = await implementation.open();
        try {
          for (const [name, run] of Object.entries(cases)) {
            await t.step(name, () => run(subject));
          }
        } finally {
          await close();
        }
      },
    });
  }
}

/** An implementation living in this process, with nothing to close. */
export function inProcess<T>(name: string, make: () => T): Implementation<T> {
  return { name, open: () => Promise.resolve({ subject: make(), close: () => Promise.resolve() }) };
}

/** The Postgres adapter on an in-memory PGlite with the given migration sets, as the embedded mode runs it. */
export function onPglite<T>(
  sets: Parameters<typeof migratedPglite>[0],
  make: (sql: Sql) => T,
): Implementation<T> {
  return {
    name: "pglite",
    async open() {
      const db = await migratedPglite(sets);
      return { subject: make(db.sql), close: db.close };
    },
  };
}

/** The Postgres adapter on the test deployment's database, with a pool of `max` connections. */
export function onPostgres<T>(
  database: Parameters<typeof testDatabaseUrl>[0],
  max: number,
  make: (sql: Sql) => T,
): Implementation<T> {
  return {
    name: "postgres",
    open() {
      const sql = connectPostgres({ url: testDatabaseUrl(database), max });
      return Promise.resolve({ subject: make(sql), close: () => sql.end() });
    },
  };
}

/** The migration set that builds each test database, as PGlite applies it. */
const MIGRATION_SET_OF = { users: "user", chat: "chat" } as const;

/**
 * A port the real deployment keeps in Postgres and the embedded mode in memory (or on PGlite):
 * the in-memory twin, the Postgres adapter on PGlite with `database`'s migrations, and the same
 * adapter on the test deployment's `database` with a pool of `max` connections.
 */
export function inMemoryAndPostgres<T>(
  InMemory: new () => T,
  OnSql: new (sql: Sql) => T,
  database: keyof typeof MIGRATION_SET_OF,
  max = 2,
): Implementation<T>[] {
  const make = (sql: Sql) => new OnSql(sql);
  return [
    inProcess("in-memory", () => new InMemory()),
    onPglite([MIGRATION_SET_OF[database]], make),
    onPostgres(database, max, make),
  ];
}

const migrations = new URL("../../migrations/", import.meta.url).pathname;

/** An in-memory PGlite database with the given migration sets applied, as the embedded mode does. */
export async function migratedPglite(
  sets: readonly ("user" | "chat" | "chat-embedded")[],
): Promise<EmbeddedPostgres> {
  const db = await openEmbeddedPostgres({});
  for (const set of sets) {
    await migratePostgres(
      db.sql,
      await readMigrations(migrations + set, "sql"),
      silentLogger,
      set === "chat-embedded" ? "schema_migrations_embedded" : "schema_migrations",
    );
  }
  return db;
}

export type { Sql };
