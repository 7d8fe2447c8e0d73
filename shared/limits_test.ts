import assert from "node:assert/strict";
import { KeyedLimit, LoginThrottle } from "./limits.ts";

Deno.test("limits: a key gets its points per window, then a refusal with a wait; keys are apart", async () => {
  const limit = new KeyedLimit(2, 60);
  assert.ok((await limit.take("a")).ok);
  assert.ok((await limit.take("a")).ok);
  const refused = await limit.take("a");
  assert.ok(!refused.ok && refused.retryAfterSeconds > 0 && refused.retryAfterSeconds <= 60);
  assert.ok((await limit.take("b")).ok);
});

Deno.test("limits: login backoff doubles after the free failures, ends, and a success clears it", async () => {
  const throttle = new LoginThrottle({ freeFailures: 2, windowSeconds: 3600, maxBlockSeconds: 4 });
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    await throttle.failed(["user:ada"]);
    const decision = await throttle.check(["user:ada"]);
    waits.push(decision.ok ? 0 : decision.retryAfterSeconds);
  }
  assert.deepEqual(waits, [0, 0, 1, 2, 4]);
  await throttle.failed(["user:ada"]);
  const capped = await throttle.check(["user:ada", "addr:1.2.3.4"]);
  assert.ok(!capped.ok && capped.retryAfterSeconds <= 4, "never longer than the cap");
  assert.ok((await throttle.check(["user:bob"])).ok);
  await throttle.succeeded("user:ada");
  assert.ok((await throttle.check(["user:ada"])).ok);
});
