/** Cassandra sessions through npm:cassandra-driver, configured the same way for every service. */
import cassandra from "cassandra-driver";

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
  });
  await client.connect();
  return client;
}
