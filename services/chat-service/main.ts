/**
 * chat-service composition root: config → Postgres, Cassandra, Kafka and gRPC
 * adapters → HTTP + WebSocket server, the fan-out consumer and the user
 * replica consumers.
 */
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { CHAT_MESSAGE_TOPICS, USER_EVENTS_TOPIC } from "@chat-ts/shared/events";
import { consumerLag, createKafka } from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";
import { stopOnSignals } from "@chat-ts/shared/shutdown";
import { connectPostgres, postgresIsReady } from "@chat-ts/shared/postgres";
import { assembleChatService } from "./src/assembly.ts";
import { loadChatServiceConfig } from "./src/config.ts";
import {
  CassandraMessageStore,
  timeUuidGenerator,
} from "./src/outbound/cassandra/message_store.ts";
import { GrpcUserDirectory } from "./src/outbound/grpc/user_directory.ts";
import { ChatEventConsumer } from "./src/outbound/kafka/chat_event_consumer.ts";
import { KafkaChatEventPublisher } from "./src/outbound/kafka/chat_event_publisher.ts";
import { UserEventConsumer } from "./src/outbound/kafka/user_event_consumer.ts";
import { PostgresChannelRepository } from "./src/outbound/postgres/channel_repository.ts";
import { PostgresUserReplica } from "./src/outbound/postgres/user_replica.ts";

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
    messageIds: timeUuidGenerator,
    events: publisher,
    replica: new PostgresUserReplica(sql),
    remoteUsers: grpcUsers,
  },
  config,
  logger,
);
const { gateway, users, lookupChain } = chat;

const consumer = new ChatEventConsumer(
  kafka,
  `chat-service-fanout-${config.INSTANCE_ID}`,
  (event) => gateway.deliver(event),
  logger,
  config.KAFKA_FETCH_WAIT_MS,
);
await consumer.start();
// One group per deployment applies each user event once to the shared replica…
const replicaConsumer = new UserEventConsumer(
  kafka,
  config.USER_REPLICA_GROUP,
  true,
  chat.applyToReplica,
  logger,
);
// …and one group per instance keeps this instance's caches current.
const cacheConsumer = new UserEventConsumer(
  kafka,
  `chat-service-user-cache-${config.INSTANCE_ID}`,
  false,
  chat.refreshCaches,
  logger,
);
await Promise.all([replicaConsumer.start(), cacheConsumer.start()]);

const app = chat.createApp({
  tokens: createTokenCodec({ secret: config.JWT_SECRET }),
  readiness: async () => {
    const [postgres, cassandraUp, kafkaUp] = await Promise.all([
      postgresIsReady(sql),
      cassandra.execute("SELECT release_version FROM system.local").then(() => true, () => false),
      withTimeout(kafkaAdmin.describeCluster(), 2000).then(
        (c) => c.brokers.length > 0,
        () => false,
      ),
    ]);
    return {
      ready: postgres && cassandraUp && kafkaUp,
      checks: {
        postgres: postgres ? "ok" : "unavailable",
        cassandra: cassandraUp ? "ok" : "unavailable",
        kafka: {
          status: kafkaUp ? "ok" : "unavailable",
          consumer_lag: kafkaUp ? await lagByGroup() : null,
        },
        websocket: { connections: gateway.connectionCount, channels: gateway.hub.channelCount },
        user_lookup: {
          breaker: lookupChain.breakerState,
          grpc_calls: grpcUsers.calls,
          cached: users.size,
        },
      },
    };
  },
});

const server = Deno.serve({
  hostname: config.HTTP_HOST,
  port: config.HTTP_PORT,
  onListen: ({ hostname, port }) =>
    logger.info("chat-service listening", { http: `${hostname}:${port}` }),
}, app.fetch);

// A peer that never completes the close handshake must not keep the process alive.
stopOnSignals(logger, async () => {
  gateway.closeAll();
  // Leaving the group commits the consumed offsets.
  await Promise.all(
    [consumer, replicaConsumer, cacheConsumer].map((c) =>
      c.stop().catch((error) => logger.warn("consumer stop failed", { error, group: c.groupId }))
    ),
  );
  await withTimeout(server.shutdown(), 5000).catch(() =>
    logger.warn("HTTP server drain timed out")
  );
  await publisher.close().catch(() => {});
  await kafkaAdmin.disconnect().catch(() => {});
  grpcUsers.close();
  await Promise.allSettled([sql.end({ timeout: 5 }), cassandra.shutdown()]);
}, { deadlineMs: 10_000 });

/** Unconsumed records per consumer group of this instance. */
async function lagByGroup(): Promise<Record<string, number | null>> {
  const groups: [string, readonly string[]][] = [
    [consumer.groupId, CHAT_MESSAGE_TOPICS],
    [replicaConsumer.groupId, [USER_EVENTS_TOPIC]],
    [cacheConsumer.groupId, [USER_EVENTS_TOPIC]],
  ];
  const lags = await Promise.all(
    groups.map(([group, topics]) =>
      withTimeout(consumerLag(kafkaAdmin, group, topics), 2000).catch(() => null)
    ),
  );
  return Object.fromEntries(groups.map(([group], i) => [group, lags[i]]));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
