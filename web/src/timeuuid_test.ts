import assert from "node:assert/strict";
import { compareMessages, timeuuidTicks } from "./timeuuid.ts";

/** 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
const UNIX_EPOCH_TICKS = 0x01b21dd213814000n;

Deno.test("a message id gives back the time it was made", () => {
  // Made by chat-service for a message stamped 2026-11-27T03:39:17.603Z.
  const ticks = timeuuidTicks("1fa02331-ea14-11f1-a408-302e0cbf4465");
  assert.ok(ticks !== undefined);
  const ms = Number((ticks - UNIX_EPOCH_TICKS) / 10_000n);
  assert.equal(new Date(ms).toISOString(), "2026-11-27T03:39:17.603Z");
  assert.equal(timeuuidTicks("9b2e4f7c-1d3a-4c5e-8f6a-0b1c2d3e4f5a"), undefined);
});

Deno.test("messages order by the time in their ids, not by the id text", () => {
  const timestamp = "2026-11-27T03:39:17.603Z";
  // Same millisecond; the later id has the smaller leading digits.
  const earlier = { id: "ffffffff-0000-11f1-a408-302e0cbf4465", timestamp };
  const later = { id: "00000000-0001-11f1-a408-302e0cbf4465", timestamp };
  assert.deepEqual([later, earlier].sort(compareMessages), [earlier, later]);
});

Deno.test("ids that are not timeuuids order by timestamp", () => {
  const a = { id: "b", timestamp: "2026-01-01T00:00:00.000Z" };
  const b = { id: "a", timestamp: "2026-01-01T00:00:01.000Z" };
  assert.deepEqual([b, a].sort(compareMessages), [a, b]);
});
