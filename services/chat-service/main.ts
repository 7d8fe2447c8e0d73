/**
 * chat-service composition root: config → Postgres, Cassandra, Kafka and gRPC
 * adapters → HTTP + WebSocket server, the fan-out consumer and the user
 * replica consumers.
 */
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { consumerLag, createKafka, kafkaEventSource } from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";
import { stopOnSignals } from "@chat-ts/shared/shutdown";
import { connectPostgres, postgresIsReady } from "@chat-ts/shared/postgres";
import { assembleChatService } from "./src/assembly.ts";
import { loadChatServiceConfig } from "./src/config.ts";
import { CassandraMessageStore } from "./src/outbound/cassandra/message_store.ts";
import { GrpcUserDirectory } from "./src/outbound/grpc/user_directory.ts";
import { KafkaChatEventPublisher } from "./src/outbound/kafka/chat_event_publisher.ts";
import { PostgresChannelRepository } from "./src/outbound/postgres/channel_repository.ts";
import { PostgresUserReplica } from "./src/outbound/postgres/user_replica.ts";
import { PostgresSessionEndStore } from "./src/outbound/postgres/session_end_store.ts";
import { TimeUuidGenerator } from "./src/outbound/time_uuid/time_uuid_generator.ts";

const loaded = loadChatServiceConfig();
if (!loaded.ok) {
  createLogger({ service: "chat-service" }).error(loaded.error.message);
  Deno.exit(2);
}
const config = loaded.value;
const logger = createLogger({ service: "chat-service", level: config.LOG_LEVEL }).child({
  instance: config.INSTANCE_ID,
});

const sql = connectPostgres({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, logger });
const cassandra = await connectCassandra({
  contactPoints: config.CASSANDRA_CONTACT_POINTS,
  keyspace: config.CASSANDRA_KEYSPACE,
  localDataCenter: config.CASSANDRA_LOCAL_DC,
});
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "chat-service", logger });
const publisher = new KafkaChatEventPublisher(kafka);
const kafkaAdmin = kafka.admin();
await kafkaAdmin.connect();
await publisher.connect();

const grpcUsers = new GrpcUserDirectory(
  config.USER_SERVICE_GRPC_URL,
  config.USER_LOOKUP_DEADLINE_MS,
  logger,
);
const chat = assembleChatService(
  {
    channels: new PostgresChannelRepository(sql),
    messages: new CassandraMessageStore(cassandra, config.MESSAGE_BUCKET_SECONDS * 1000),
    messageIds: new TimeUuidGenerator(),
    events: publisher,
    replica: new PostgresUserReplica(sql),
    sessionEnds: new PostgresSessionEndStore(sql),
    remoteUsers: grpcUsers,
    eventSource: kafkaEventSource(kafka, logger),
    dependencies: {
      postgres: async () => {
        const ok = await postgresIsReady(sql);
        return { ok, report: ok ? "ok" : "unavailable" };
      },
      cassandra: async () => {
        const ok = await cassandra.execute("SELECT release_version FROM system.local").then(
          () => true,
          () => false,
        );
        return { ok, report: ok ? "ok" : "unavailable" };
      },
      kafka: async (readers) => {
        const ok = await withTimeout(kafkaAdmin.describeCluster(), 2000).then(
          (c) => c.brokers.length > 0,
          () => false,
        );
        if (!ok) return { ok, report: { status: "unavailable", consumer_lag: null } };
        // Unconsumed records per consumer group of this instance.
        const lags = await Promise.all(
          readers.map((r) =>
            withTimeout(consumerLag(kafkaAdmin, r.group, r.topics), 2000).catch(() => null)
          ),
        );
        const consumerLagByGroup = Object.fromEntries(readers.map((r, i) => [r.group, lags[i]]));
        return { ok, report: { status: "ok", consumer_lag: consumerLagByGroup } };
      },
    },
  },
  {
    ...config,
    instanceId: config.INSTANCE_ID,
    replicaGroup: config.USER_REPLICA_GROUP,
    fetchWaitMs: config.KAFKA_FETCH_WAIT_MS,
  },
  logger,
);
await chat.start();
const app = chat.createApp({ tokens: createTokenCodec({ secret: config.JWT_SECRET }) });

const server = Deno.serve({
  hostname: config.HTTP_HOST,
  port: config.HTTP_PORT,
  onListen: ({ hostname, port }) =>
    logger.info("chat-service listening", { http: `${hostname}:${port}` }),
}, app.fetch);

// A peer that never completes the close handshake must not keep the process alive.
stopOnSignals(logger, async () => {
  chat.gateway.closeAll();
  // Leaving the groups commits the consumed offsets.
  await chat.stop();
  await withTimeout(server.shutdown(), 5000).catch(() =>
    logger.warn("HTTP server drain timed out")
  );
  await publisher.close().catch(() => {});
  await kafkaAdmin.disconnect().catch(() => {});
  grpcUsers.close();
  await Promise.allSettled([sql.end({ timeout: 5 }), cassandra.shutdown()]);
}, { deadlineMs: 10_000 });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
