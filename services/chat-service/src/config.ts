/** chat-service's environment variables and their defaults (README: Configuration). */
import { type ConfigOf, env, httpAndDatabase, loadConfig, logLevel } from "@chat-ts/shared/config";
import { z } from "zod";
import { CHANNEL_NAME_PATTERN, CHANNEL_NAME_RULE } from "./domain/channel/models.ts";

/** Settings of the service itself, shared with the embedded mode (see assembly.ts). */
export const chatCoreConfigShape = {
  USER_LOOKUP_RETRIES: env.int(2, 0, 10),
  /** Consecutive failed gRPC lookups that open the circuit breaker. */
  USER_BREAKER_THRESHOLD: env.int(5, 1, 1000),
  USER_BREAKER_COOLDOWN_SECONDS: env.int(10, 1, 3600),
  USER_CACHE_SIZE: env.int(10_000, 0, 10_000_000),
  USER_CACHE_TTL_SECONDS: env.int(60, 0, 86_400),
  WS_MAX_FRAME_BYTES: env.int(64 * 1024, 256, 16 * 1024 * 1024),
  WS_FRAMES_PER_SECOND: env.int(20, 1, 10_000),
  WS_FRAME_BURST: env.int(50, 1, 100_000),
  WS_MAX_BUFFERED_BYTES: env.int(1024 * 1024, 1024, 1024 * 1024 * 1024),
  WS_SLOW_CLIENT_GRACE_MS: env.int(1000, 0, 60_000),
  WS_REPLAY_CAP: env.int(500, 1, 10_000),
  /** Recent live message ids a subscription remembers to drop copies (0 turns it off). */
  WS_DEDUPE_WINDOW: env.int(1024, 0, 100_000),
  /** Seconds without a pong after which a peer counts as dead and is dropped. */
  WS_IDLE_TIMEOUT_SECONDS: env.int(30, 1, 3600),
  /** How often this instance reports its open connections to presence-service (TTL there: 30 s). */
  PRESENCE_HEARTBEAT_SECONDS: env.int(10, 1, 600),
  /** Longest a request body may take to arrive (408 after). */
  REQUEST_BODY_TIMEOUT_MS: env.int(10_000, 100, 600_000),
  /** Open WebSockets per user, all instances together; the next upgrade gets 429. */
  WS_MAX_CONNECTIONS_PER_USER: env.int(20, 1, 10_000),
  /** The public channel every new user joins (created on first use); empty: none. */
  DEFAULT_CHANNEL: z.union([
    z.literal(""),
    z.string().regex(CHANNEL_NAME_PATTERN, `empty, or a channel name: ${CHANNEL_NAME_RULE}`),
  ]).default("general"),
  /** Public and private channels one user may create per hour. */
  CHANNELS_PER_USER_PER_HOUR: env.int(20, 1, 100_000),
  /** Messages one user may send per window, over HTTP and all their sockets together. */
  MESSAGES_PER_USER_PER_WINDOW: env.int(200, 1, 1_000_000),
  MESSAGE_WINDOW_SECONDS: env.int(10, 1, 3600),
  /** Access-token lifetime (user-service's JWT_TTL_SECONDS): how long an ended session is remembered. */
  JWT_TTL_SECONDS: env.int(900, 60, 30 * 86_400),
  LOG_LEVEL: logLevel(),
};

export const chatServiceConfigShape = {
  ...httpAndDatabase(3002, "chat", 10),
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  CASSANDRA_CONTACT_POINTS: env.list("127.0.0.1:9042"),
  CASSANDRA_KEYSPACE: env.string("chat"),
  CASSANDRA_LOCAL_DC: env.string("datacenter1"),
  JWT_SECRET: env.secret(32),
  USER_SERVICE_GRPC_URL: env.string("127.0.0.1:50051"),
  USER_LOOKUP_DEADLINE_MS: env.int(500, 10, 30_000),
  /** The consumer group that maintains the replica: one per deployment. */
  USER_REPLICA_GROUP: env.string("chat-service-user-replica"),
  /** Names this instance's fan-out consumer group; a fresh one per process when unset. */
  INSTANCE_ID: env.string(crypto.randomUUID()),
  /**
   * A fan-out fetch is answered once `KAFKA_FETCH_MIN_BYTES` are there or after this long. The
   * defaults (the first record, else 5 s) answer at once when a message comes and poll every
   * five seconds when none does; under load a fetch still carries what arrived while the last
   * one was handled (bench/chat_fanout.ts: 16 KiB / 20 ms cost as much CPU at 500 msg/s, doubled the
   * p50 at 100 msg/s and tripled the idle cost).
   */
  KAFKA_FETCH_WAIT_MS: env.int(5000, 0, 5000),
  KAFKA_FETCH_MIN_BYTES: env.int(1, 1, 1024 * 1024),
  /** Width of a message partition's time bucket. A deployment constant: never change it on live data. */
  MESSAGE_BUCKET_SECONDS: env.int(86_400, 1, 366 * 86_400),
  /** Where per-user limits are counted, shared by every instance (docs/limits.md). */
  REDIS_URL: env.url("redis://127.0.0.1:6379"),
  /** Key prefix of the limits in Redis: one per deployment sharing a Redis. */
  LIMITS_REDIS_PREFIX: env.string("limits"),
  ...chatCoreConfigShape,
};

export const loadChatServiceConfig = () => loadConfig(chatServiceConfigShape);
export type ChatServiceConfig = ConfigOf<typeof chatServiceConfigShape>;
export type ChatCoreConfig = Pick<ChatServiceConfig, keyof typeof chatCoreConfigShape>;
