/**
 * presence-service composition root: config → Redis, Postgres and Kafka adapters → the report
 * reader, the sweeper and the HTTP server.
 */
import { configOrExit } from "@chat-ts/shared/config";
import { serveUntilSignalled } from "@chat-ts/shared/http";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import {
  consumerLagMetrics,
  createKafka,
  kafkaEventSource,
  KafkaRecordSink,
} from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";
import { connectPostgres, postgresIsReady, postgresMetrics } from "@chat-ts/shared/postgres";
import { closeRedis, connectRedis, redisIsReady, redisMetrics } from "@chat-ts/shared/redis";
import { exitOnUncaughtErrors } from "@chat-ts/shared/shutdown";
import { assemblePresenceService } from "./src/assembly.ts";
import { loadPresenceServiceConfig } from "./src/config.ts";
import { PostgresLastSeenRepository } from "./src/outbound/postgres/last_seen_repository.ts";
import { RedisPresenceStore } from "./src/outbound/redis/presence_store.ts";

const config = configOrExit(loadPresenceServiceConfig(), "presence-service");
const logger = createLogger({ service: "presence-service", level: config.LOG_LEVEL });
exitOnUncaughtErrors(logger);

const sql = connectPostgres({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, logger });
const redis = await connectRedis({ url: config.REDIS_URL, logger });
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "presence-service", logger });
// Transitions: acks from the leader only; a lost one is repaired by the next change or read.
const sink = new KafkaRecordSink(kafka, 1);
const kafkaAdmin = kafka.admin();
await Promise.all([sink.connect(), kafkaAdmin.connect()]);

const service = assemblePresenceService(
  {
    store: new RedisPresenceStore(redis),
    lastSeen: new PostgresLastSeenRepository(sql),
    sink,
    eventSource: kafkaEventSource(kafka, logger),
    dependencies: {
      redis: async () => {
        const ok = await redisIsReady(redis);
        return { ok, report: ok ? "ok" : "unavailable" };
      },
      postgres: async () => {
        const ok = await postgresIsReady(sql);
        return { ok, report: ok ? "ok" : "unavailable" };
      },
      kafka: async () => {
        const ok = await kafkaAdmin.describeCluster().then(
          (c) => c.brokers.length > 0,
          () => false,
        );
        return { ok, report: ok ? "ok" : "unavailable" };
      },
    },
  },
  { ...config, group: config.PRESENCE_GROUP },
  logger,
);
await service.start();
postgresMetrics(service.metrics, sql);
redisMetrics(service.metrics, redis);
consumerLagMetrics(service.metrics, kafkaAdmin, service.readers);
const app = service.createApp({ tokens: createTokenCodec({ secret: config.JWT_SECRET }) });

serveUntilSignalled(app, {
  name: "presence-service",
  address: config,
  logger,
  beforeDrain: () => service.stop(),
  afterDrain: async () => {
    await sink.close().catch(() => {});
    await kafkaAdmin.disconnect().catch(() => {});
    await closeRedis(redis);
    await sql.end({ timeout: 5 });
  },
  deadlineMs: 10_000,
});
