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

Deno.test("user cache: hits within the TTL, refreshes after it, and never caches unavailable", async () => {
  let name = "ada";
  let up = true;
  const { cache, asked, advance } = setup(() =>
    up ? { status: "found", username: name } : { status: "unavailable" }
  );
  await cache.lookup(id(1));
  await cache.lookup(id(1));
  assert.equal(asked.length, 1);

  advance(1001);
  name = "ada2";
  // Expired: the last known name comes back at once while one refresh runs.
  assert.deepEqual(await cache.lookup(id(1)), { status: "found", username: "ada" });
  assert.equal(asked.length, 2);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(await cache.lookup(id(1)), { status: "found", username: "ada2" });
  assert.equal(asked.length, 2, "the refreshed entry is fresh again");

  advance(1001);
  up = false;
  assert.deepEqual(await cache.lookup(id(1)), { status: "found", username: "ada2" });
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(await cache.lookup(id(1)), { status: "found", username: "ada2" });
  assert.equal(asked.length, 4, "while the source is down, every lookup asks it again");
  assert.deepEqual(await cache.lookup(id(2)), { status: "unavailable" });
  assert.deepEqual(await cache.lookup(id(2)), { status: "unavailable" });
  assert.equal(asked.filter((u) => u === id(2)).length, 2, "unavailable is not cached");
});

Deno.test("user cache: concurrent misses for one user share one lookup", async () => {
  const { cache, asked } = setup(() => ({ status: "found", username: "ada" }));
  const answers = await Promise.all([
    cache.lookup(id(1)),
    cache.lookup(id(1)),
    cache.lookup(id(1)),
  ]);
  assert.deepEqual(answers.map((a) => a.status), ["found", "found", "found"]);
  assert.equal(asked.length, 1);
});

Deno.test("user cache: a user event during a lookup wins over the lookup's older answer", async () => {
  let release: (lookup: UserLookup) => void = () => {};
  const cache = new CachedUserDirectory({
    lookup: () => new Promise<UserLookup>((resolve) => release = resolve),
  }, { maxEntries: 10, ttlMs: 1000, notFoundTtlMs: 100 });
  const asking = cache.lookup(id(1));
  cache.learn(id(1), { status: "found", username: "renamed" });
  release({ status: "found", username: "before-rename" });
  await asking;
  assert.deepEqual(await cache.lookup(id(1)), { status: "found", username: "renamed" });
});

Deno.test("user cache: a source that throws answers unavailable instead of rejecting", async () => {
  const cache = new CachedUserDirectory({
    lookup: () => Promise.reject(new Error("replica away")),
  }, { maxEntries: 10, ttlMs: 1000, notFoundTtlMs: 100 });
  assert.deepEqual(await cache.lookup(id(1)), { status: "unavailable" });
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
