/**
 * Per-key limits (per user, per username, per client address) with rate-limiter-flexible, behind
 * one port whatever keeps the counts (docs/limits.md):
 *
 * - `memoryLimits()`: in this process (the embedded mode, unit tests): one process is the whole
 *   deployment.
 * - `redisLimits(client, prefix)`: in the deployment's Redis (`RateLimiterRedis` on node-redis),
 *   so every instance spends from the same count. While Redis is unreachable each limiter falls
 *   back to an in-memory one of the same size (the library's `insuranceLimiter`): limits hold
 *   per instance instead of across instances, chat keeps working, and the Redis client logs one
 *   `redis unavailable` line per outage.
 *
 * A refusal carries how long to wait, for `Retry-After`.
 */
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { Redis } from "./redis.ts";

/** Where limits keep their counts. */
export interface LimitStore {
  /** Where the counts are, for readiness and logs: `memory` or `redis`. */
  readonly kind: "memory" | "redis";
  /** A limiter of `points` per `duration` seconds, its keys apart from other limits' (`name`). */
  limiter(name: string, options: { points: number; duration: number }): RateLimiterAbstract;
  /** Open WebSockets per user (see `ConnectionSlots`). */
  connectionSlots(options: ConnectionSlotOptions): ConnectionSlots;
}

/** Counts in this process; limits of one name share their counts, as they do in Redis. */
export function memoryLimits(): LimitStore {
  const limiters = new Map<string, RateLimiterMemory>();
  let slots: MemoryConnectionSlots | undefined;
  return {
    kind: "memory",
    limiter(name, options) {
      let limiter = limiters.get(name);
      if (limiter === undefined) limiters.set(name, limiter = new RateLimiterMemory(options));
      return limiter;
    },
    // One count per store: every "instance" of one process is the same deployment.
    connectionSlots: (options) => slots ??= new MemoryConnectionSlots(options.max),
  };
}

/** Counts in Redis under `<prefix>:<name>:`; per instance while Redis is away. */
export function redisLimits(client: Redis, prefix: string): LimitStore {
  return {
    kind: "redis",
    limiter: (name, options) =>
      new RateLimiterRedis({
        ...options,
        storeClient: client,
        useRedisPackage: true,
        // Fail at once while the connection is down (the client has no offline queue either).
        rejectIfRedisNotReady: true,
        keyPrefix: `${prefix}:${name}`,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
    connectionSlots: (options) => new RedisConnectionSlots(client, `${prefix}:ws`, options),
  };
}

export type LimitDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterSeconds: number };

const allowed: LimitDecision = { ok: true };

function refusal(res: unknown): LimitDecision {
  if (!(res instanceof RateLimiterRes)) throw res;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

/** One action counted: whether it was allowed, the points left and when the window resets. */
export interface LimitUse {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Whole seconds until the key's window resets (at least 1). */
  readonly resetSeconds: number;
}

function useOf(allowed: boolean, res: RateLimiterRes): LimitUse {
  return {
    allowed,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

/** At most `points` actions per key in each `windowSeconds`. */
export class KeyedLimit {
  readonly #limiter: RateLimiterAbstract;

  constructor(
    readonly points: number,
    readonly windowSeconds: number,
    store: LimitStore = memoryLimits(),
    name = "limit",
  ) {
    this.#limiter = store.limiter(name, { points, duration: windowSeconds });
  }

  /** Counts one action and says what is left of the key's window, for `RateLimit` headers. */
  async spend(key: string): Promise<LimitUse> {
    try {
      const res = await this.#limiter.consume(key);
      return useOf(true, res);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      return useOf(false, res);
    }
  }

  /** Counts one action; refused once the key has used its points in this window. */
  async take(key: string): Promise<LimitDecision> {
    try {
      await this.#limiter.consume(key);
      return allowed;
    } catch (res) {
      return refusal(res);
    }
  }
}

export interface LoginThrottleOptions {
  /** Failures a key may have in the window before each further one blocks it. */
  readonly freeFailures: number;
  /** Failures are forgotten this long after the first of a run. */
  readonly windowSeconds: number;
  /** The longest block: the backoff doubles per failure up to this, never for good. */
  readonly maxBlockSeconds: number;
}

/**
 * Exponential backoff on failed logins: after `freeFailures` failures of a key within the
 * window, each further failure blocks it for 1, 2, 4, … seconds, at most `maxBlockSeconds`.
 * A block always ends, and the count is forgotten after the window, so the legitimate user is
 * never locked out for good; a success clears the key.
 */
export class LoginThrottle {
  readonly #failures: RateLimiterAbstract;
  readonly #blocks: RateLimiterAbstract;

  constructor(
    private readonly options: LoginThrottleOptions,
    store: LimitStore = memoryLimits(),
    name = "login",
  ) {
    // Counting only: far more points than any run of failures reaches.
    this.#failures = store.limiter(`${name}:failures`, {
      points: 1_000_000,
      duration: options.windowSeconds,
    });
    this.#blocks = store.limiter(`${name}:blocks`, { points: 1, duration: 1 });
  }

  /** Refused while any of the keys is blocked (checked before the password is). */
  async check(keys: readonly string[]): Promise<LimitDecision> {
    let wait = 0;
    for (const key of keys) {
      const block = await this.#blocks.get(key);
      if (block !== null && block.consumedPoints > 1 && block.msBeforeNext > 0) {
        wait = Math.max(wait, block.msBeforeNext);
      }
    }
    return wait === 0 ? allowed : { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) };
  }

  async failed(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const counted = await this.#failures.penalty(key, 1);
      const over = counted.consumedPoints - this.options.freeFailures;
      if (over > 0) {
        const seconds = Math.min(this.options.maxBlockSeconds, 2 ** Math.min(over - 1, 30));
        await this.#blocks.block(key, seconds);
      }
    }
  }

  async succeeded(key: string): Promise<void> {
    await Promise.all([this.#failures.delete(key), this.#blocks.delete(key)]);
  }
}

export interface ConnectionSlotOptions {
  /** Open sockets a user may have across the deployment. */
  readonly max: number;
  /** This instance's name in the shared counts (Redis only). */
  readonly instanceId: string;
  /**
   * Redis only: this instance's counts expire this long after its last heartbeat (every third
   * of it), so the slots of an instance that died free themselves within this time.
   */
  readonly ttlSeconds: number;
}

/** A user's open WebSockets, counted where the limit must hold. */
export interface ConnectionSlots {
  /** Takes one slot; false when the user already holds `max`. */
  acquire(userId: string): Promise<boolean>;
  /** Gives back a slot `acquire` gave (once per socket, when it closes). */
  release(userId: string): Promise<void>;
  /** Stops the heartbeat and gives back this instance's slots. */
  close(): Promise<void>;
}

/** Slots counted in this process. */
export class MemoryConnectionSlots implements ConnectionSlots {
  readonly #open = new Map<string, number>();

  constructor(private readonly max: number) {}

  acquire(userId: string): Promise<boolean> {
    const open = this.#open.get(userId) ?? 0;
    if (open >= this.max) return Promise.resolve(false);
    this.#open.set(userId, open + 1);
    return Promise.resolve(true);
  }

  release(userId: string): Promise<void> {
    const left = (this.#open.get(userId) ?? 1) - 1;
    if (left <= 0) this.#open.delete(userId);
    else this.#open.set(userId, left);
    return Promise.resolve();
  }

  /** This process's count for a user. */
  count(userId: string): number {
    return this.#open.get(userId) ?? 0;
  }

  counts(): ReadonlyMap<string, number> {
    return this.#open;
  }

  close(): Promise<void> {
    this.#open.clear();
    return Promise.resolve();
  }
}

// KEYS[1]: the user's set of instances holding slots; ARGV: per-instance key prefix, this
// instance, max, ttl. Instances whose count expired (died) are dropped from the set.
const ACQUIRE_SLOT = `
local total = 0
for _, instance in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local n = redis.call('GET', ARGV[1] .. instance)
  if n then total = total + tonumber(n) else redis.call('SREM', KEYS[1], instance) end
end
if total >= tonumber(ARGV[3]) then return 0 end
local own = ARGV[1] .. ARGV[2]
redis.call('INCR', own)
redis.call('EXPIRE', own, ARGV[4])
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
`;

// The instance's true count, written as it is (heartbeat and release): drift from an outage
// (a release that could not reach Redis) is gone at the next write.
const SET_SLOTS = `
local own = ARGV[1] .. ARGV[2]
local n = tonumber(ARGV[3])
if n <= 0 then
  redis.call('DEL', own)
  redis.call('SREM', KEYS[1], ARGV[2])
  return 0
end
redis.call('SET', own, n, 'EX', ARGV[4])
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return n
`;

/**
 * Slots counted in Redis across instances: one key per (user, instance) holding that
 * instance's count, with a TTL every instance refreshes by heartbeat, and a set per user naming
 * the instances. A crashed instance's keys expire within `ttlSeconds`, and the next `acquire`
 * drops it from the set. While Redis is unreachable the cap holds per instance (this
 * instance's own count); the first heartbeat after it returns writes the true counts back.
 */
export class RedisConnectionSlots implements ConnectionSlots {
  readonly #local: MemoryConnectionSlots;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly options: ConnectionSlotOptions,
  ) {
    this.#local = new MemoryConnectionSlots(options.max);
    const everyMs = Math.max(1000, (options.ttlSeconds * 1000) / 3);
    this.#timer = setInterval(() => void this.#heartbeat(), everyMs);
    Deno.unrefTimer(this.#timer);
  }

  #keys(userId: string): { set: string; own: string } {
    // One hash slot per user ({…}), should the store ever be a cluster.
    return { set: `${this.prefix}:{${userId}}`, own: `${this.prefix}:{${userId}}:` };
  }

  async acquire(userId: string): Promise<boolean> {
    const { set, own } = this.#keys(userId);
    let shared: boolean;
    try {
      if (!this.client.isReady) throw new Error("redis not ready");
      const took = await this.client.eval(ACQUIRE_SLOT, {
        keys: [set],
        arguments: [
          own,
          this.options.instanceId,
          String(this.options.max),
          String(this.options.ttlSeconds),
        ],
      });
      shared = Number(took) === 1;
    } catch {
      // Redis away: this instance's own count decides (the client logs the outage once).
      return this.#local.acquire(userId);
    }
    if (!shared) return false;
    // Counted in Redis; this instance's own count is kept too, for heartbeats and outages.
    await this.#local.acquire(userId);
    return true;
  }

  async release(userId: string): Promise<void> {
    await this.#local.release(userId);
    await this.#write(userId, this.#local.count(userId));
  }

  async #write(userId: string, count: number): Promise<void> {
    if (!this.client.isReady) return;
    const { set, own } = this.#keys(userId);
    await this.client.eval(SET_SLOTS, {
      keys: [set],
      arguments: [own, this.options.instanceId, String(count), String(this.options.ttlSeconds)],
    }).catch(() => undefined);
  }

  async #heartbeat(): Promise<void> {
    for (const [userId, count] of this.#local.counts()) await this.#write(userId, count);
  }

  /** A crash, for tests: the heartbeat stops and nothing is given back. */
  abandon(): void {
    clearInterval(this.#timer);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    const users = [...this.#local.counts().keys()];
    await this.#local.close();
    for (const userId of users) await this.#write(userId, 0);
  }
}
