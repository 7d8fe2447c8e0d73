/**
 * The limit store (shared/limits.ts): in memory in the embedded mode, Redis in the deployment.
 * The same cases on both; each case uses fresh keys, and the Redis one its own key prefix, so
 * they share one store (and the shared Redis) without colliding. Then what only Redis has:
 * instances that die, and Redis itself being away.
 */
import assert from "node:assert/strict";
import {
  KeyedLimit,
  type LimitStore,
  LoginThrottle,
  memoryLimits,
  RedisConnectionSlots,
  redisLimits,
} from "@chat-ts/shared/limits";
import { silentLogger } from "@chat-ts/shared/logger";
import { closeRedis, connectRedis, createRedis } from "@chat-ts/shared/redis";
import { testRedisUrl } from "../support/env.ts";
import { contract, inProcess } from "./support.ts";

const key = () => crypto.randomUUID();
const name = () => `case-${crypto.randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const slotOptions = (instanceId: string, max = 2, ttlSeconds = 30) => ({
  max,
  instanceId,
  ttlSeconds,
});

contract<LimitStore>("LimitStore", [
  inProcess("in-process", () => memoryLimits()),
  {
    name: "redis",
    async open() {
      const redis = await connectRedis({ url: testRedisUrl(), logger: silentLogger });
      return {
        subject: redisLimits(redis, `test-limits-${crypto.randomUUID()}`),
        close: () => closeRedis(redis),
      };
    },
  },
], {
  "a keyed limit takes its points per window, then refuses with the wait": async (store) => {
    const limit = new KeyedLimit(3, 60, store, name());
    const user = key();
    for (let i = 0; i < 3; i++) assert.deepEqual(await limit.take(user), { ok: true });
    const refused = await limit.take(user);
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
    }
    // Another key has its own points.
    assert.deepEqual(await limit.take(key()), { ok: true });
  },
  "two limits of one name (two instances) spend the same points": async (store) => {
    const limitName = name();
    const [a, b] = [
      new KeyedLimit(2, 60, store, limitName),
      new KeyedLimit(2, 60, store, limitName),
    ];
    const user = key();
    assert.equal((await a.take(user)).ok, true);
    assert.equal((await a.take(user)).ok, true);
    assert.equal((await b.take(user)).ok, false, "instance B sees what A spent");
  },
  "a window ends: the points come back": async (store) => {
    const limit = new KeyedLimit(1, 1, store, name());
    const user = key();
    assert.equal((await limit.take(user)).ok, true);
    assert.equal((await limit.take(user)).ok, false);
    await sleep(1100);
    assert.equal((await limit.take(user)).ok, true);
  },
  "login throttle: free failures, then a doubling backoff that ends; success clears": async (
    store,
  ) => {
    const throttleName = name();
    const options = { freeFailures: 2, windowSeconds: 60, maxBlockSeconds: 1 };
    const throttle = new LoginThrottle(options, store, throttleName);
    const username = [`user:${key()}`];
    await throttle.failed(username);
    await throttle.failed(username);
    assert.deepEqual(await throttle.check(username), { ok: true }, "free failures do not block");
    await throttle.failed(username);
    const blocked = await throttle.check(username);
    assert.equal(blocked.ok, false);
    // Another instance with the same name sees the block.
    const peer = new LoginThrottle(options, store, throttleName);
    assert.equal((await peer.check(username)).ok, false);
    await sleep(1100);
    assert.deepEqual(await throttle.check(username), { ok: true }, "the block ends");
    await throttle.succeeded(username[0]);
    await throttle.failed(username);
    assert.deepEqual(await throttle.check(username), { ok: true }, "success forgot the failures");
  },
  "socket slots: a cap across instances, given back on close": async (store) => {
    const a = store.connectionSlots(slotOptions(`a-${key()}`));
    const b = store.connectionSlots(slotOptions(`b-${key()}`));
    const user = key();
    assert.equal(await a.acquire(user), true);
    assert.equal(await b.acquire(user), true);
    assert.equal(await a.acquire(user), false, "two held, on two instances");
    assert.equal(await b.acquire(user), false);
    assert.equal(await a.acquire(key()), true, "another user has their own");
    await b.release(user);
    assert.equal(await a.acquire(user), true, "a closed socket frees its slot everywhere");
    await a.close();
    await b.close();
  },
});

Deno.test({
  name: "LimitStore [redis]: a dead instance's slots free themselves within the TTL",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const redis = await connectRedis({ url: testRedisUrl(), logger: silentLogger });
    try {
      const prefix = `test-limits-${crypto.randomUUID()}:ws`;
      const user = key();
      const dead = new RedisConnectionSlots(redis, prefix, slotOptions("dead", 2, 2));
      const alive = new RedisConnectionSlots(redis, prefix, slotOptions("alive", 2, 2));
      assert.equal(await dead.acquire(user), true);
      assert.equal(await dead.acquire(user), true);
      dead.abandon(); // a crash: no heartbeat, nothing given back
      assert.equal(await alive.acquire(user), false);
      await sleep(2500);
      assert.equal(await alive.acquire(user), true, "the dead instance's count expired");
      // The live instance's heartbeat keeps its own count past the TTL.
      assert.equal(await alive.acquire(user), true);
      await sleep(2500);
      assert.equal(await alive.acquire(user), false, "its two are still counted");
      await alive.close();
    } finally {
      await closeRedis(redis);
    }
  },
});

Deno.test({
  name: "LimitStore [redis]: with Redis away, limits hold per instance and nothing throws",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // Nothing listens on port 1: every command fails at once (no offline queue).
    const redis = createRedis({ url: "redis://127.0.0.1:1", logger: silentLogger });
    redis.connect().catch(() => {});
    try {
      const store = redisLimits(redis, "unreachable");
      const limit = new KeyedLimit(2, 60, store, "messages");
      const user = key();
      assert.equal((await limit.take(user)).ok, true);
      assert.equal((await limit.take(user)).ok, true);
      assert.equal((await limit.take(user)).ok, false, "the in-memory insurance counts");
      const throttle = new LoginThrottle(
        { freeFailures: 1, windowSeconds: 60, maxBlockSeconds: 5 },
        store,
        "login",
      );
      await throttle.failed(["u"]);
      await throttle.failed(["u"]);
      assert.equal((await throttle.check(["u"])).ok, false);
      const slots = store.connectionSlots(slotOptions("only", 1));
      assert.equal(await slots.acquire(user), true);
      assert.equal(await slots.acquire(user), false, "this instance's own count decides");
      await slots.release(user);
      assert.equal(await slots.acquire(user), true);
      await slots.close();
    } finally {
      await redis.destroy();
    }
  },
});
