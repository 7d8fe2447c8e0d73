/** user-service's environment variables and their defaults (README: Configuration). */
import { type ConfigOf, env, httpAndDatabase, loadConfig, logLevel } from "@chat-ts/shared/config";
import { trustedProxyList } from "@chat-ts/shared/http";

export const userServiceConfigShape = {
  ...httpAndDatabase(3001, "users", 10),
  GRPC_HOST: env.string("0.0.0.0"),
  GRPC_PORT: env.port(50051),
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  JWT_SECRET: env.secret(32),
  /** Access tokens: short, a refresh token renews them. */
  JWT_TTL_SECONDS: env.int(900, 60, 30 * 86_400),
  /** How long a session lasts without a refresh. */
  REFRESH_TOKEN_TTL_SECONDS: env.int(30 * 86_400, 300, 365 * 86_400),
  /** Longest a request body may take to arrive (408 after). */
  REQUEST_BODY_TIMEOUT_MS: env.int(10_000, 100, 600_000),
  /** Failed logins a username may have (per window) before each further one backs off. */
  LOGIN_FREE_FAILURES_PER_USERNAME: env.int(5, 1, 1000),
  /** The same per client address (many usernames from one place). */
  LOGIN_FREE_FAILURES_PER_ADDRESS: env.int(20, 1, 100_000),
  LOGIN_FAILURE_WINDOW_SECONDS: env.int(3600, 60, 86_400),
  /** The longest a throttled login waits: the backoff doubles up to this. */
  LOGIN_MAX_BACKOFF_SECONDS: env.int(900, 1, 86_400),
  /** Where the login throttles count, shared by every instance (docs/limits.md). */
  REDIS_URL: env.url("redis://127.0.0.1:6379"),
  /** Key prefix of the limits in Redis: one per deployment sharing a Redis. */
  LIMITS_REDIS_PREFIX: env.string("limits"),
  /** People searches (`GET /api/users?query=`) a user may make per minute (429 after). */
  USER_SEARCHES_PER_USER_PER_MINUTE: env.int(120, 1, 100_000),
  /**
   * Peers (the gateway) whose `X-Forwarded-For` names the client, for the login throttle per
   * address; from anyone else the header is ignored.
   */
  TRUSTED_PROXIES: trustedProxyList("127.0.0.1,::1"),
  LOG_LEVEL: logLevel(),
};

export const loadUserServiceConfig = () => loadConfig(userServiceConfigShape);
export type UserServiceConfig = ConfigOf<typeof userServiceConfigShape>;
