/** user-service composition root: config → adapters → HTTP, gRPC and the outbox relay. */
import { configOrExit } from "@chat-ts/shared/config";
import { serveUntilSignalled } from "@chat-ts/shared/http";
import { createKafka } from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";
import { exitOnUncaughtErrors } from "@chat-ts/shared/shutdown";
import { connectPostgres, postgresMetrics } from "@chat-ts/shared/postgres";
import { redisLimits } from "@chat-ts/shared/limits";
import { closeRedis, connectRedis, redisIsReady, redisMetrics } from "@chat-ts/shared/redis";
import { assembleUserService } from "./src/assembly.ts";
import { loadUserServiceConfig } from "./src/config.ts";
import { startUserGrpcServer } from "./src/inbound/grpc/user_server.ts";
import { KafkaUserEventPublisher } from "./src/outbound/kafka/user_event_publisher.ts";

const config = configOrExit(loadUserServiceConfig(), "user-service");
const logger = createLogger({ service: "user-service", level: config.LOG_LEVEL });
exitOnUncaughtErrors(logger);

const sql = connectPostgres({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, logger });
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: "user-service",
  logger,
  retry: { initialRetryTime: 200, retries: 3 },
});
const publisher = new KafkaUserEventPublisher(kafka);
// Login throttles shared by every instance; per instance while Redis is away (docs/limits.md).
const redis = await connectRedis({
  url: config.REDIS_URL,
  logger: logger.child({ component: "limits" }),
});
const { users, relay, app, metrics } = assembleUserService(
  {
    sql,
    publisher,
    limits: redisLimits(redis, config.LIMITS_REDIS_PREFIX),
    limitsReady: () => redisIsReady(redis),
  },
  config,
  logger,
);
relay.start();
postgresMetrics(metrics, sql);
redisMetrics(metrics, redis);

const grpcServer = await startUserGrpcServer({
  users,
  host: config.GRPC_HOST,
  port: config.GRPC_PORT,
  logger,
});
serveUntilSignalled(app, {
  name: "user-service",
  address: config,
  logger,
  listening: { grpc_port: grpcServer.port },
  afterDrain: async () => {
    await grpcServer.stop();
    await relay.stop();
    await publisher.close().catch(() => {});
    await closeRedis(redis);
    await sql.end({ timeout: 5 });
  },
});
