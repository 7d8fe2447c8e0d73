/**
 * chat-service composition root: config → Postgres, Cassandra, Kafka and gRPC
 * adapters → HTTP + WebSocket server, the fan-out consumer and the user
 * replica consumers.
 */
import { configOrExit } from "@chat-ts/shared/config";
import {
  cassandraMetrics,
  cassandraUnavailable,
  connectCassandra,
} from "@chat-ts/shared/cassandra";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import {
  consumerLag,
  consumerLagMetrics,
  createKafka,
  kafkaEventSource,
  KafkaRecordSink,
} from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";
import { serveUntilSignalled } from "@chat-ts/shared/http";
import { exitOnUncaughtErrors } from "@chat-ts/shared/shutdown";
import { withTimeout } from "@chat-ts/shared/timeout";
import {
  connectPostgres,
  postgresIsReady,
  postgresMetrics,
  postgresUnavailable,
} from "@chat-ts/shared/postgres";
import { unavailableAs } from "@chat-ts/shared/unavailable";
import { redisLimits } from "@chat-ts/shared/limits";
import { closeRedis, connectRedis, redisIsReady, redisMetrics } from "@chat-ts/shared/redis";
import { assembleChatService } from "./src/assembly.ts";
import { loadChatServiceConfig } from "./src/config.ts";
import { CassandraMessageStore } from "./src/outbound/cassandra/message_store.ts";
import { GrpcUserDirectory } from "./src/outbound/grpc/user_directory.ts";
import { KafkaChatEventPublisher } from "./src/outbound/kafka/chat_event_publisher.ts";
import { PostgresChatOutbox } from "./src/outbound/postgres/chat_outbox.ts";
import { PostgresChannelRepository } from "./src/outbound/postgres/channel_repository.ts";
import { PostgresUserReplica } from "./src/outbound/postgres/user_replica.ts";
import { PostgresReadMarkers } from "./src/outbound/postgres/read_markers.ts";
import { PostgresSessionEndStore } from "./src/outbound/postgres/session_end_store.ts";
import { TimeUuidGenerator } from "./src/outbound/time_uuid/time_uuid_generator.ts";

const config = configOrExit(loadChatServiceConfig(), "chat-service");
const logger = createLogger({ service: "chat-service", level: config.LOG_LEVEL }).child({
  instance: config.INSTANCE_ID,
});
exitOnUncaughtErrors(logger);

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
// Connection reports and typing: acks from the leader only, they are best effort and frequent.
const presenceSink = new KafkaRecordSink(kafka, 1);

// Per-user limits shared by every instance; per instance while Redis is away (docs/limits.md).
const redis = await connectRedis({
  url: config.REDIS_URL,
  logger: logger.child({ component: "limits" }),
});

const grpcUsers = new GrpcUserDirectory(
  config.USER_SERVICE_GRPC_URL,
  config.USER_LOOKUP_DEADLINE_MS,
  logger,
);
// Events go to the outbox with their message; its relay publishes them to Kafka.
const outbox = new PostgresChatOutbox(sql, (records) => publisher.publishInOrder(records), logger);
// Each driver's outages become DependencyUnavailable (503), every other error stays a bug.
const postgresPort = <T extends object>(port: T) =>
  unavailableAs("postgres", postgresUnavailable, port);
const chat = assembleChatService(
  {
    channels: postgresPort(new PostgresChannelRepository(sql)),
    messages: unavailableAs(
      "cassandra",
      cassandraUnavailable,
      new CassandraMessageStore(cassandra, config.MESSAGE_BUCKET_SECONDS * 1000),
    ),
    messageIds: new TimeUuidGenerator(),
    events: postgresPort(outbox),
    outbox: outbox.relay,
    replica: postgresPort(new PostgresUserReplica(sql)),
    sessionEnds: postgresPort(new PostgresSessionEndStore(sql)),
    reads: postgresPort(new PostgresReadMarkers(sql)),
    remoteUsers: grpcUsers,
    eventSource: kafkaEventSource(kafka, logger),
    presenceSink,
    limits: redisLimits(redis, config.LIMITS_REDIS_PREFIX),
    dependencies: {
      // Reported, not required: without it the limits hold per instance.
      redis: async () => ({
        ok: true,
        report: (await redisIsReady(redis)) ? "ok" : "unavailable (limits per instance)",
      }),
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
    fetchMinBytes: config.KAFKA_FETCH_MIN_BYTES,
  },
  logger,
);
await chat.start();
postgresMetrics(chat.metrics, sql);
cassandraMetrics(chat.metrics, cassandra);
redisMetrics(chat.metrics, redis);
consumerLagMetrics(chat.metrics, kafkaAdmin, chat.readers);
const app = chat.createApp({ tokens: createTokenCodec({ secret: config.JWT_SECRET }) });

serveUntilSignalled(app, {
  name: "chat-service",
  address: config,
  logger,
  beforeDrain: async () => {
    chat.gateway.closeAll();
    // Leaving the groups commits the consumed offsets.
    await chat.stop();
  },
  // A peer that never completes the close handshake must not keep the process alive.
  drainMs: 5000,
  afterDrain: async () => {
    await publisher.close().catch(() => {});
    await presenceSink.close().catch(() => {});
    await kafkaAdmin.disconnect().catch(() => {});
    grpcUsers.close();
    await closeRedis(redis);
    await Promise.allSettled([sql.end({ timeout: 5 }), cassandra.shutdown()]);
  },
  deadlineMs: 10_000,
});
