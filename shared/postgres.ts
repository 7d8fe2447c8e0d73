/** Postgres connections through npm:postgres, configured the same way for every service. */
import postgres from "postgres";
import type { Logger } from "./logger.ts";
import { observedGauge, type Registry } from "./metrics.ts";
import { errorCode, SOCKET_OUTAGE_CODES } from "./unavailable.ts";

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

/** postgres.js's own connection failures (its `code`s, not SQLSTATEs). */
const CLIENT_OUTAGE_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection
 * exception), shutting down or starting up (57P01–57P03), too many
 * connections (53300), a read-only standby after failover (25006).
 */
function outageSqlState(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "25006"].includes(code);
}

/** Postgres' one mapping of outages (see `@chat-ts/shared/unavailable`): unreachable, not a bug. */
export function postgresUnavailable(error: unknown): boolean {
  if (error instanceof postgres.PostgresError) return outageSqlState(error.code);
  const code = errorCode(error);
  return code !== undefined && (SOCKET_OUTAGE_CODES.has(code) || CLIENT_OUTAGE_CODES.has(code));
}

/**
 * postgres.js exposes no count of busy or idle connections, only its options: the pool's size
 * is what can be reported (its use shows as latency in `http_request_duration_seconds`).
 */
export function postgresMetrics(registry: Registry, sql: Sql): void {
  observedGauge(
    registry,
    "postgres_pool_max_connections",
    "Connections the Postgres pool may open",
    () => sql.options.max,
  );
}
