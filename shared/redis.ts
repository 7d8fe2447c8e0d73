/**
 * Redis connections through npm:@redis/client (node-redis, the client Redis
 * maintains), configured the same way for every service: commands fail at once
 * while the server is away (no offline queue, so a caller degrades instead of
 * waiting), and the client reconnects in the background with a capped backoff.
 */
import { createClient } from "@redis/client";
import type { Logger } from "./logger.ts";
import { observedGauge, type Registry } from "./metrics.ts";

export type Redis = ReturnType<typeof createRedis>;

export interface RedisOptions {
  /** `redis://host:port[/db]`. */
  readonly url: string;
  readonly logger: Logger;
  /** How long one connection attempt may take. */
  readonly connectTimeoutMs?: number;
}

export function createRedis(options: RedisOptions) {
  const log = options.logger.child({ component: "redis" });
  let down = false;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 3000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000),
    },
  });
  // Without a listener an error event would throw; one line per outage, not per retry.
  client.on("error", (error: unknown) => {
    if (!down) log.warn("redis unavailable", { error });
    down = true;
  });
  client.on("ready", () => {
    if (down) log.info("redis reconnected");
    down = false;
  });
  return client;
}

/**
 * Connects, waiting at most `timeoutMs` for the first connection; the client keeps
 * reconnecting in the background after that, so a service starts without Redis.
 */
export async function connectRedis(options: RedisOptions & { readonly timeoutMs?: number }) {
  const client = createRedis(options);
  const connecting = client.connect().then(() => true, () => false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connected = await Promise.race([
    connecting,
    new Promise<false>((resolve) =>
      timer = setTimeout(() => resolve(false), options.timeoutMs ?? 5000)
    ),
  ]).finally(() => clearTimeout(timer));
  if (!connected) {
    options.logger.warn("redis not reachable at start-up; retrying in the background");
  }
  return client;
}

/** True when the server answers PING within `timeoutMs` (readiness checks). */
export async function redisIsReady(client: Redis, timeoutMs = 1000): Promise<boolean> {
  if (!client.isReady) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      client.ping().then((pong) => pong === "PONG"),
      new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), timeoutMs)),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the connection, dropping it when the server does not answer. */
export async function closeRedis(client: Redis): Promise<void> {
  if (!client.isOpen) return;
  await client.close().catch(() => client.destroy());
}

/** node-redis keeps one connection (no pool): whether it is up. */
export function redisMetrics(registry: Registry, client: Redis): void {
  observedGauge(
    registry,
    "redis_connected",
    "1 while the Redis connection is ready, 0 while it reconnects",
    () => client.isReady ? 1 : 0,
  );
}
