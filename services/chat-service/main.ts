/**
 * chat-service composition root: config → Postgres, Cassandra, Kafka and gRPC
 * adapters → HTTP + WebSocket server and the fan-out consumer.
 */
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { createKafka } from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";
import { connectPostgres, postgresIsReady } from "@chat-ts/shared/postgres";
import { ChannelService } from "./src/domain/channel/service.ts";
import { MessageService } from "./src/domain/message/service.ts";
import { loadChatServiceConfig } from "./src/config.ts";
import { createChatApp } from "./src/inbound/http/app.ts";
import { WebSocketGateway } from "./src/inbound/websocket/gateway.ts";
import {
  CassandraMessageStore,
  timeUuidGenerator,
} from "./src/outbound/cassandra/message_store.ts";
import { GrpcUserDirectory } from "./src/outbound/grpc/user_directory.ts";
import { ChatEventConsumer } from "./src/outbound/kafka/chat_event_consumer.ts";
import { KafkaChatEventPublisher } from "./src/outbound/kafka/chat_event_publisher.ts";
import { CachedUserDirectory } from "./src/outbound/memory/cached_user_directory.ts";
import { PostgresChannelRepository } from "./src/outbound/postgres/channel_repository.ts";

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
await publisher.connect();

const grpcUsers = new GrpcUserDirectory(
  config.USER_SERVICE_GRPC_URL,
  config.USER_LOOKUP_DEADLINE_MS,
  logger,
);
const users = new CachedUserDirectory(grpcUsers, {
  maxEntries: config.USER_CACHE_SIZE,
  ttlMs: config.USER_CACHE_TTL_SECONDS * 1000,
  notFoundTtlMs: 5000,
});
const clock = { now: () => new Date() };
const channels = new ChannelService({
  channels: new PostgresChannelRepository(sql),
  users,
  events: publisher,
  clock,
  ids: { newId: () => crypto.randomUUID() },
});
const messages = new MessageService({
  channels,
  messages: new CassandraMessageStore(cassandra, config.MESSAGE_BUCKET_SECONDS * 1000),
  events: publisher,
  users,
  ids: { ...timeUuidGenerator, newEventId: () => crypto.randomUUID() },
  clock,
  logger,
});
const gateway = new WebSocketGateway({
  channels,
  messages,
  logger,
  limits: {
    maxFrameBytes: config.WS_MAX_FRAME_BYTES,
    framesPerSecond: config.WS_FRAMES_PER_SECOND,
    frameBurst: config.WS_FRAME_BURST,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    replayCap: config.WS_REPLAY_CAP,
  },
});
const consumer = new ChatEventConsumer(
  kafka,
  `chat-service-fanout-${config.INSTANCE_ID}`,
  (event) => gateway.deliver(event),
  logger,
);
await consumer.start();

const app = createChatApp({
  channels,
  messages,
  gateway,
  tokens: createTokenCodec({ secret: config.JWT_SECRET }),
  logger,
  readiness: async () => {
    const [postgres, cassandraUp] = await Promise.all([
      postgresIsReady(sql),
      cassandra.execute("SELECT release_version FROM system.local").then(() => true, () => false),
    ]);
    return {
      ready: postgres && cassandraUp,
      checks: {
        postgres: postgres ? "ok" : "unavailable",
        cassandra: cassandraUp ? "ok" : "unavailable",
        kafka: { consumer_group: consumer.groupId },
        websocket: { connections: gateway.connectionCount, channels: gateway.hub.channelCount },
        user_lookup: { grpc_calls: grpcUsers.calls, cached: users.size },
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

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info("shutting down", { signal });
  gateway.closeAll();
  await server.shutdown();
  await consumer.stop().catch((error) => logger.warn("consumer stop failed", { error }));
  await publisher.close().catch(() => {});
  grpcUsers.close();
  await Promise.allSettled([sql.end({ timeout: 5 }), cassandra.shutdown()]);
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => void shutdown(signal));
}
