import assert from "node:assert/strict";
import RequestQueue from "kafkajs/src/network/requestQueue/index.js";
import "./kafkajs_idle_fix.ts";

const noop = () => {};
const logger = { debug: noop, info: noop, warn: noop, error: noop };
const queue = () =>
  new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 1000,
    enforceRequestTimeout: false,
    clientId: "test",
    broker: "localhost:0",
    logger,
    isConnected: () => true,
  });

Deno.test("kafkajs idle fix: an idle connection's queue schedules no timer", () => {
  const q = queue();
  q.checkPendingRequests(); // what kafkajs runs after every answered request
  assert.equal(q.throttleCheckTimeoutId, null, "kafkajs 2.2.4 alone re-arms a 1 ms timer here");
});

Deno.test("kafkajs idle fix: a pending request is still checked again, and a throttle waited out", () => {
  const q = queue();
  let checks = 0;
  q.checkPendingRequests = () => void checks++;
  q.pending.push({});
  q.scheduleCheckPendingRequests();
  assert.notEqual(q.throttleCheckTimeoutId, null);
  clearTimeout(q.throttleCheckTimeoutId);
  q.throttleCheckTimeoutId = null;

  q.pending.length = 0;
  q.throttledUntil = Date.now() + 50;
  q.scheduleCheckPendingRequests();
  assert.notEqual(q.throttleCheckTimeoutId, null, "a throttle still ends with a check");
  clearTimeout(q.throttleCheckTimeoutId);
  assert.equal(checks, 0);
});

Deno.test("kafkajs idle fix: an answer that never comes still times out", async () => {
  const q = new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 300,
    enforceRequestTimeout: true,
    clientId: "test",
    broker: "localhost:0",
    logger,
    isConnected: () => true,
  });
  const timedOut = Promise.withResolvers<void>();
  q.inflight.set(1, {
    sentAt: Date.now(),
    requestTimeout: 300,
    timeoutRequest: () => timedOut.resolve(),
  });
  const started = Date.now();
  q.scheduleRequestTimeoutCheck();
  try {
    await timedOut.promise;
    const waited = Date.now() - started;
    assert.ok(waited >= 300 && waited < 600, `timed out after ${waited} ms`);
  } finally {
    q.destroy();
  }
});
