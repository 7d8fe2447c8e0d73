/**
 * Addresses of the local infrastructure and the JWT secret for tests,
 * overridable by the same variables the services read.
 */
const get = (name: string, fallback: string) => Deno.env.get(name) || fallback;

export function testDatabaseUrl(database: "users" | "chat" | "presence"): string {
  const name = database === "users"
    ? "USER_DATABASE_URL"
    : database === "chat"
    ? "CHAT_DATABASE_URL"
    : "PRESENCE_DATABASE_URL";
  return get(name, `postgres://chat:chat@127.0.0.1:5432/${database}`);
}

export const testKafkaBrokers = (): string[] => get("KAFKA_BROKERS", "127.0.0.1:9092").split(",");

export const testCassandraContactPoints = (): string[] =>
  get("CASSANDRA_CONTACT_POINTS", "127.0.0.1:9042").split(",");

export const testCassandraKeyspace = (): string => get("CASSANDRA_KEYSPACE", "chat");

/** The secret the services under test sign and verify tokens with (never used outside tests). */
export const TEST_JWT_SECRET = get("JWT_SECRET", "test-secret-for-chat-ts-integration-tests");

export const testRedisUrl = (): string => get("REDIS_URL", "redis://127.0.0.1:6379");
