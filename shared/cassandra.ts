/** Cassandra sessions through npm:cassandra-driver, configured the same way for every service. */
import cassandra from "cassandra-driver";
import "./cassandra_idle_fix.ts";
import { observedGauge, type Registry } from "./metrics.ts";
import { errorCode, SOCKET_OUTAGE_CODES } from "./unavailable.ts";

export type CassandraClient = cassandra.Client;

export interface CassandraOptions {
  readonly contactPoints: readonly string[];
  /** SimpleSnitch (local infrastructure and compose) names it `datacenter1`. */
  readonly localDataCenter?: string;
  /** Omit to connect without a keyspace (e.g. to create it). */
  readonly keyspace?: string;
}

export async function connectCassandra(options: CassandraOptions): Promise<CassandraClient> {
  const client = new cassandra.Client({
    contactPoints: [...options.contactPoints],
    localDataCenter: options.localDataCenter ?? "datacenter1",
    keyspace: options.keyspace,
    queryOptions: { prepare: true, consistency: cassandra.types.consistencies.localQuorum },
    socketOptions: { connectTimeout: 5000, readTimeout: 12000 },
    // A node that comes back is used again within 2 s (the driver's default waits up to 10 min).
    policies: {
      reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(250, 2000),
    },
  });
  await client.connect();
  return client;
}

const { responseErrorCodes } = cassandra.types;

/** Coordinator answers that mean "not now": too few replicas, timed out, overloaded, starting. */
const OUTAGE_RESPONSES: ReadonlySet<number> = new Set([
  responseErrorCodes.unavailableException,
  responseErrorCodes.overloaded,
  responseErrorCodes.isBootstrapping,
  responseErrorCodes.writeTimeout,
  responseErrorCodes.readTimeout,
  responseErrorCodes.truncateError,
]);

const LOST_CONNECTION =
  /socket was closed|connection (was )?closed|not connected|connection.*(reset|refused)/i;

/** Cassandra's one mapping of outages (see `@chat-ts/shared/unavailable`): unreachable, not a bug. */
export function cassandraUnavailable(error: unknown): boolean {
  const { errors } = cassandra;
  if (
    error instanceof errors.NoHostAvailableError ||
    error instanceof errors.OperationTimedOutError ||
    error instanceof errors.BusyConnectionError
  ) return true;
  if (error instanceof errors.ResponseError) return OUTAGE_RESPONSES.has(error.code);
  // The driver's generic error also reports a connection lost mid-request.
  if (error instanceof errors.DriverError && LOST_CONNECTION.test(error.message)) return true;
  const code = errorCode(error);
  return code !== undefined && SOCKET_OUTAGE_CODES.has(code);
}

/** The driver's pool over every connected host: open connections and queries in flight. */
export function cassandraMetrics(registry: Registry, client: CassandraClient): void {
  const sum = (of: (state: cassandra.metadata.ClientState, host: cassandra.Host) => number) => {
    const state = client.getState();
    return state.getConnectedHosts().reduce((total, host) => total + of(state, host), 0);
  };
  observedGauge(
    registry,
    "cassandra_pool_open_connections",
    "Connections the Cassandra driver holds open, over every host",
    () => sum((state, host) => state.getOpenConnections(host)),
  );
  observedGauge(
    registry,
    "cassandra_pool_in_flight_requests",
    "Cassandra queries sent and not yet answered, over every host",
    () => sum((state, host) => state.getInFlightQueries(host)),
  );
}
