import assert from "node:assert/strict";
import { RecentIds } from "./recent_ids.ts";

Deno.test("recent ids: remembers exactly the last `capacity` ids", () => {
  const recent = new RecentIds(3);
  for (const id of ["a", "b", "c", "d"]) assert.equal(recent.seen(id), false);
  assert.equal(recent.size, 3);
  assert.equal(recent.seen("d"), true);
  assert.equal(recent.seen("b"), true);
  assert.equal(recent.seen("a"), false);
  assert.equal(recent.size, 3);
});

Deno.test("recent ids: a capacity of 0 remembers nothing", () => {
  const recent = new RecentIds(0);
  assert.equal(recent.seen("a"), false);
  assert.equal(recent.seen("a"), false);
});
