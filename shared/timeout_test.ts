import assert from "node:assert/strict";
import { withTimeout } from "./timeout.ts";

Deno.test("withTimeout: a promise that settles in time keeps its value", async () => {
  assert.equal(await withTimeout(Promise.resolve(7), 1000), 7);
});

Deno.test("withTimeout: a promise that does not settle in time rejects, naming what timed out", async () => {
  const never = new Promise<never>(() => {});
  await assert.rejects(withTimeout(never, 10, "outbox sink timed out"), {
    message: "outbox sink timed out after 10 ms",
  });
});
