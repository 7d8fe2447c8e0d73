/** presence-service's environment variables and their defaults (README: Configuration). */
import { type ConfigOf, env, httpAndDatabase, loadConfig, logLevel } from "@chat-ts/shared/config";

/** Settings of the service itself, shared with the embedded mode (see assembly.ts). */
export const presenceCoreConfigShape = {
  /** A connection not refreshed by its instance's heartbeat within this is gone. */
  PRESENCE_TTL_SECONDS: env.int(30, 2, 3600),
  /** How long a user who closed their last connection stays online. */
  PRESENCE_GRACE_SECONDS: env.int(5, 0, 60),
  /** Idle (no typing, sending or coming back to the tab) for this long → away. */
  PRESENCE_AWAY_AFTER_SECONDS: env.int(300, 1, 86_400),
  /** How often expiries, graces and idleness are looked at. */
  PRESENCE_SWEEP_INTERVAL_MS: env.int(500, 50, 60_000),
  /** Last seen is written to Postgres in one batch this often. */
  PRESENCE_LAST_SEEN_FLUSH_MS: env.int(1000, 10, 60_000),
  LOG_LEVEL: logLevel(),
};

export const presenceServiceConfigShape = {
  ...httpAndDatabase(3004, "presence", 5),
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  REDIS_URL: env.url("redis://127.0.0.1:6379"),
  JWT_SECRET: env.secret(32),
  /** The consumer group reading `presence.reports`: one per deployment. */
  PRESENCE_GROUP: env.string("presence-service"),
  ...presenceCoreConfigShape,
};

export const loadPresenceServiceConfig = () => loadConfig(presenceServiceConfigShape);
export type PresenceServiceConfig = ConfigOf<typeof presenceServiceConfigShape>;
export type PresenceCoreConfig = Pick<PresenceServiceConfig, keyof typeof presenceCoreConfigShape>;
