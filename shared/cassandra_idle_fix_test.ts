import assert from "node:assert/strict";
import cassandra from "cassandra-driver";
import clientOptions from "cassandra-driver/lib/client-options.js";
import hostModule from "cassandra-driver/lib/host.js";
import { HEALTH_INTERVAL_MS } from "./cassandra_idle_fix.ts";

interface TestHost {
  pool: { responseCounter: number; getAndResetResponseCounter(): number };
  _healthResponseCountTimer: unknown;
  setDistance(distance: number): number;
  getResponseCount(): number;
  shutdown(): Promise<void>;
}

const { Host } = hostModule as { Host: new (...args: unknown[]) => TestHost };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A host as the driver builds one for a node it will query (distance local). */
function localHost(): TestHost {
  const options = clientOptions.extend({ contactPoints: ["127.0.0.1"], localDataCenter: "dc1" });
  const host = new Host("127.0.0.1:9042", 4, options, {});
  host.setDistance(cassandra.types.distance.local);
  return host;
}

Deno.test("cassandra idle fix: a host the client queries keeps no interval running", async () => {
  const host = localHost();
  assert.equal(host._healthResponseCountTimer, null);
  host.setDistance(cassandra.types.distance.remote);
  assert.equal(host._healthResponseCountTimer, null, "a distance change re-arms none either");
  await host.shutdown();
});

Deno.test("cassandra idle fix: the health count is the last whole interval's responses plus the current ones", async () => {
  const host = localHost();
  // Responses as the pool counts them (`responseDequeued`).
  for (let i = 0; i < 3; i++) host.pool.responseCounter++;
  assert.equal(host.getResponseCount(), 3, "the current interval counts at once");

  // Aligned just after a roll: the three above are the last whole interval's, two more current.
  await sleep(HEALTH_INTERVAL_MS * 1.2);
  host.pool.responseCounter++;
  host.pool.responseCounter++;
  const count = host.getResponseCount();
  assert.ok(count === 5 || count === 2, `3 from the interval before and 2 now, got ${count}`);

  // Two whole intervals without a response: a host that stopped answering counts none, which is
  // what marks it unhealthy once requests pile up on it.
  await sleep(HEALTH_INTERVAL_MS * 2.5);
  assert.equal(host.getResponseCount(), 0);
  await host.shutdown();
});

Deno.test("cassandra idle fix: the driver's reset still empties the current count", async () => {
  const host = localHost();
  host.pool.responseCounter++;
  assert.equal(host.pool.getAndResetResponseCounter(), 1);
  assert.equal(host.pool.responseCounter, 0);
  await host.shutdown();
});
