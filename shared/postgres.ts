/** Postgres connections through npm:postgres, configured the same way for every service. */
import postgres from "postgres";
import type { Logger } from "./logger.ts";

export type Sql = postgres.Sql;

export interface PostgresOptions {
  readonly url: string;
  /** Pool size; a Deno process uses one core, so a small pool is enough. */
  readonly max?: number;
  readonly logger?: Logger;
}

export function connectPostgres(options: PostgresOptions): Sql {
  return postgres(options.url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    // Notices (e.g. "relation already exists, skipping") are debug noise.
    onnotice: (notice) => options.logger?.debug("postgres notice", { notice: notice.message }),
    // Timestamps stay Date objects; bigint counters come back as JS numbers.
    types: { bigint: postgres.BigInt },
  });
}

/** True when the server answers a trivial query (readiness checks). */
export async function postgresIsReady(sql: Sql): Promise<boolean> {
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  }
}
