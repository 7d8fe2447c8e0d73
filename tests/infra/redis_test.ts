import assert from "node:assert/strict";
import { closeRedis, connectRedis, redisIsReady } from "@chat-ts/shared/redis";
import { silentLogger } from "@chat-ts/shared/logger";
import { testRedisUrl } from "../support/env.ts";

Deno.test("redis: answers at the configured address and expires keys", async () => {
  const redis = await connectRedis({ url: testRedisUrl(), logger: silentLogger });
  try {
    assert.equal(await redisIsReady(redis), true);
    const key = `infra-test:${crypto.randomUUID()}`;
    await redis.set(key, "1", { expiration: { type: "PX", value: 200 } });
    assert.equal(await redis.get(key), "1");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await redis.get(key), null);
  } finally {
    await closeRedis(redis);
  }
});

Deno.test("redis: a client of a stopped server reports unready instead of hanging", async () => {
  const redis = await connectRedis({
    url: "redis://127.0.0.1:1",
    logger: silentLogger,
    timeoutMs: 300,
  });
  try {
    assert.equal(await redisIsReady(redis), false);
    await assert.rejects(() => redis.get("k"));
  } finally {
    redis.destroy();
  }
});
