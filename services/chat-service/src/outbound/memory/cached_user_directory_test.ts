import assert from "node:assert/strict";
import type { UserId } from "../../domain/ids.ts";
import type { UserLookup } from "../../domain/user/ports.ts";
import { CachedUserDirectory } from "./cached_user_directory.ts";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` as UserId;

function setup(answer: (id: UserId) => UserLookup) {
  let now = 0;
  const asked: UserId[] = [];
  const cache = new CachedUserDirectory({
    lookup: (userId) => {
      asked.push(userId);
      return Promise.resolve(answer(userId));
    },
  }, { maxEntries: 2, ttlMs: 1000, notFoundTtlMs: 100, now: () => now });
  return { cache, asked, advance: (ms: number) => now += ms };
}

Deno.test("user cache: hits within the TTL, re-asks after it, and never caches unavailable", async () => {
  let up = true;
  const { cache, asked, advance } = setup(() =>
    up ? { status: "found", username: "ada" } : { status: "unavailable" }
  );
  await cache.lookup(id(1));
  await cache.lookup(id(1));
  assert.equal(asked.length, 1);
  advance(1001);
  up = false;
  assert.deepEqual(await cache.lookup(id(1)), { status: "unavailable" });
  assert.deepEqual(await cache.lookup(id(1)), { status: "unavailable" });
  assert.equal(asked.length, 3, "unavailable answers are asked again");
});

Deno.test("user cache: bounded, least recently used goes first", async () => {
  const { cache, asked } = setup(() => ({ status: "found", username: "x" }));
  await cache.lookup(id(1));
  await cache.lookup(id(2));
  await cache.lookup(id(1)); // 1 is now the most recent
  await cache.lookup(id(3)); // evicts 2
  assert.equal(cache.size, 2);
  await cache.lookup(id(1));
  await cache.lookup(id(2));
  assert.deepEqual(asked, [id(1), id(2), id(3), id(2)]);
});

Deno.test("user cache: user events replace or drop an entry at once", async () => {
  const { cache, asked } = setup(() => ({ status: "found", username: "old" }));
  await cache.lookup(id(1));
  cache.learn(id(1), { status: "found", username: "new" });
  assert.deepEqual(await cache.lookup(id(1)), { status: "found", username: "new" });
  cache.learn(id(1), { status: "not_found" });
  assert.deepEqual(await cache.lookup(id(1)), { status: "not_found" });
  cache.forget(id(1));
  await cache.lookup(id(1));
  assert.equal(asked.length, 2);
});
