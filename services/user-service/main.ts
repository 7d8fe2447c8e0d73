/** user-service composition root: config → adapters → HTTP, gRPC and the outbox relay. */
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { createKafka } from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";
import { hashPassword, verifyPassword } from "@chat-ts/shared/password";
import { connectPostgres, postgresIsReady } from "@chat-ts/shared/postgres";
import type { PasswordHash } from "./src/domain/user/models.ts";
import { UserService } from "./src/domain/user/service.ts";
import { loadUserServiceConfig } from "./src/config.ts";
import { createUserApp } from "./src/inbound/http/app.ts";
import { startUserGrpcServer } from "./src/inbound/grpc/user_server.ts";
import { KafkaUserEventPublisher } from "./src/outbound/kafka/user_event_publisher.ts";
import { OutboxRelay } from "./src/outbound/postgres/outbox_relay.ts";
import { PostgresUserStore } from "./src/outbound/postgres/user_store.ts";

const loaded = loadUserServiceConfig();
if (!loaded.ok) {
  createLogger({ service: "user-service" }).error(loaded.error.message);
  Deno.exit(2);
}
const config = loaded.value;
const logger = createLogger({ service: "user-service", level: config.LOG_LEVEL });

const sql = connectPostgres({ url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, logger });
const tokens = createTokenCodec({ secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_SECONDS });
const users = new UserService({
  store: new PostgresUserStore(sql),
  hasher: {
    hash: async (password) => (await hashPassword(password)) as PasswordHash,
    verify: verifyPassword,
  },
  tokens,
  clock: { now: () => new Date() },
  ids: { newId: () => crypto.randomUUID() },
});

const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: "user-service",
  logger,
  retry: { initialRetryTime: 200, retries: 3 },
});
const publisher = new KafkaUserEventPublisher(kafka);
const relay = new OutboxRelay({ sql, publisher, logger: logger.child({ component: "outbox" }) });
relay.start();

const app = createUserApp({
  users,
  tokens,
  logger,
  readiness: async () => {
    const postgres = await postgresIsReady(sql);
    const outbox = relay.state;
    return {
      ready: postgres,
      checks: {
        postgres: postgres ? "ok" : "unavailable",
        // Kafka being down delays events but loses none, so it does not make the service unready.
        outbox: {
          relay: outbox.healthy ? "ok" : "retrying",
          published: outbox.published,
          pending: postgres ? await relay.pending() : null,
          ...(outbox.lastError === undefined ? {} : { last_error: outbox.lastError }),
        },
      },
    };
  },
});

const grpcServer = await startUserGrpcServer({
  users,
  host: config.GRPC_HOST,
  port: config.GRPC_PORT,
  logger,
});
const httpServer = Deno.serve({
  hostname: config.HTTP_HOST,
  port: config.HTTP_PORT,
  onListen: ({ hostname, port }) =>
    logger.info("user-service listening", {
      http: `${hostname}:${port}`,
      grpc_port: grpcServer.port,
    }),
}, app.fetch);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info("shutting down", { signal });
  await httpServer.shutdown();
  await grpcServer.stop();
  await relay.stop();
  await publisher.close().catch(() => {});
  await sql.end({ timeout: 5 });
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => void shutdown(signal));
}
