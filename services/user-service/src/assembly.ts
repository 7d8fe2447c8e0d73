/**
 * user-service assembled: the domain service on a Postgres store with its
 * transactional outbox, the relay that publishes the outbox, and the HTTP
 * app. Both the real deployment (main.ts) and the embedded mode
 * (embedded/main.ts, on PGlite) call this; they differ in the database they
 * pass and where the relay publishes (Kafka or the in-process bus).
 */
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { KeyedLimit, type LimitStore, LoginThrottle, memoryLimits } from "@chat-ts/shared/limits";
import type { Logger } from "@chat-ts/shared/logger";
import { createMetricsRegistry } from "@chat-ts/shared/metrics";
import { outboxMetrics } from "@chat-ts/shared/outbox";
import { hashPassword, verifyPassword } from "@chat-ts/shared/password";
import { postgresIsReady, postgresUnavailable, type Sql } from "@chat-ts/shared/postgres";
import { unavailableAs } from "@chat-ts/shared/unavailable";
import type { UserServiceConfig } from "./config.ts";
import type { PasswordHash } from "./domain/user/models.ts";
import type { UserEventPublisher } from "./domain/user/ports.ts";
import { UserService } from "./domain/user/service.ts";
import { createUserApp } from "./inbound/http/app.ts";
import { OutboxRelay } from "./outbound/postgres/outbox_relay.ts";
import { PostgresUserStore } from "./outbound/postgres/user_store.ts";
import { randomRefreshTokens } from "./outbound/refresh_tokens.ts";

export function assembleUserService(
  ports: {
    readonly sql: Sql;
    readonly publisher: UserEventPublisher;
    /** Where the login throttles count: Redis in the deployment; in memory when not given. */
    readonly limits?: LimitStore;
    /** Reported on `/health/ready`, not required: limits fall back per instance without it. */
    readonly limitsReady?: () => Promise<boolean>;
  },
  config:
    & Pick<UserServiceConfig, "JWT_SECRET" | "JWT_TTL_SECONDS">
    & Partial<
      Pick<
        UserServiceConfig,
        | "REFRESH_TOKEN_TTL_SECONDS"
        | "LOGIN_FREE_FAILURES_PER_USERNAME"
        | "LOGIN_FREE_FAILURES_PER_ADDRESS"
        | "LOGIN_FAILURE_WINDOW_SECONDS"
        | "LOGIN_MAX_BACKOFF_SECONDS"
        | "REQUEST_BODY_TIMEOUT_MS"
        | "USER_SEARCHES_PER_USER_PER_MINUTE"
        | "TRUSTED_PROXIES"
      >
    >,
  logger: Logger,
) {
  const { sql, publisher } = ports;
  const tokens = createTokenCodec({
    secret: config.JWT_SECRET,
    ttlSeconds: config.JWT_TTL_SECONDS,
  });
  const relay = new OutboxRelay({ sql, publisher, logger: logger.child({ component: "outbox" }) });
  const users = new UserService({
    // Postgres' outages become DependencyUnavailable (503); every other error stays a bug.
    store: unavailableAs(
      "postgres",
      postgresUnavailable,
      new PostgresUserStore(sql, () => relay.wake()),
    ),
    hasher: {
      hash: async (password) => (await hashPassword(password)) as PasswordHash,
      verify: verifyPassword,
    },
    tokens,
    refreshTokens: randomRefreshTokens,
    lifetimes: {
      accessSeconds: config.JWT_TTL_SECONDS,
      refreshSeconds: config.REFRESH_TOKEN_TTL_SECONDS ?? 30 * 86_400,
    },
    clock: { now: () => new Date() },
    ids: { newId: () => crypto.randomUUID() },
  });
  // Shared by every instance through the limit store (docs/limits.md).
  const limits = ports.limits ?? memoryLimits();
  const window = config.LOGIN_FAILURE_WINDOW_SECONDS ?? 3600;
  const maxBlockSeconds = config.LOGIN_MAX_BACKOFF_SECONDS ?? 900;
  const loginThrottle = {
    username: new LoginThrottle(
      {
        freeFailures: config.LOGIN_FREE_FAILURES_PER_USERNAME ?? 5,
        windowSeconds: window,
        maxBlockSeconds,
      },
      limits,
      "login:username",
    ),
    address: new LoginThrottle(
      {
        freeFailures: config.LOGIN_FREE_FAILURES_PER_ADDRESS ?? 20,
        windowSeconds: window,
        maxBlockSeconds,
      },
      limits,
      "login:address",
    ),
  };
  // This instance's registry (main.ts adds the drivers' metrics to it).
  const metrics = createMetricsRegistry("user-service");
  outboxMetrics(metrics, relay);

  const readiness = async () => {
    const postgres = await postgresIsReady(sql);
    const outbox = relay.state;
    const limitsReport = ports.limitsReady === undefined
      ? {}
      : { redis: (await ports.limitsReady()) ? "ok" : "unavailable (limits per instance)" };
    return {
      ready: postgres,
      checks: {
        postgres: postgres ? "ok" : "unavailable",
        // A broker being down delays events but loses none, so it does not make the service unready.
        outbox: {
          relay: outbox.healthy ? "ok" : "retrying",
          published: outbox.published,
          pending: postgres ? await relay.pending() : null,
          ...(outbox.lastError === undefined ? {} : { last_error: outbox.lastError }),
        },
        ...limitsReport,
      },
    };
  };

  return {
    users,
    tokens,
    relay,
    readiness,
    metrics,
    app: createUserApp({
      users,
      tokens,
      logger,
      readiness,
      loginThrottle,
      metrics,
      bodyTimeoutMs: config.REQUEST_BODY_TIMEOUT_MS,
      ...(config.TRUSTED_PROXIES === undefined ? {} : { trustedProxies: config.TRUSTED_PROXIES }),
      searchLimit: new KeyedLimit(
        config.USER_SEARCHES_PER_USER_PER_MINUTE ?? 120,
        60,
        limits,
        "users:searched",
      ),
    }),
  };
}
