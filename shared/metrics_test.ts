import assert from "node:assert/strict";
import { Hono } from "hono";
import { parseMetrics } from "../tests/support/metrics.ts";
import {
  createMetricsRegistry,
  metricsHandler,
  observedCounter,
  observedGauge,
  observedGauges,
} from "./metrics.ts";

Deno.test("metrics: observed values are read at scrape time, labelled with the service", async () => {
  const registry = createMetricsRegistry("test-service");
  let sent = 0;
  observedCounter(registry, "things_sent_total", "Things sent", () => sent);
  observedGauge(registry, "queue_depth", "Depth", () => Promise.resolve(7));
  observedGauge(registry, "broken_depth", "Depth", () => Promise.reject(new Error("down")));
  observedGauges(registry, "lag_records", "Lag", "group", () => new Map([["g1", 3], ["g2", 0]]));
  const app = new Hono().get("/metrics", metricsHandler(registry));

  sent = 2;
  let res = await app.request("/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  let m = parseMetrics(await res.text());
  assert.equal(m.value("things_sent_total", { service: "test-service" }), 2);
  assert.equal(m.value("queue_depth"), 7);
  assert.ok(Number.isNaN(m.value("broken_depth")), "a failed read is NaN, not 0");
  assert.equal(m.value("lag_records", { group: "g1" }), 3);
  assert.equal(m.value("lag_records", { group: "g2" }), 0);
  assert.ok((m.value("process_memory_bytes", { kind: "rss" }) ?? 0) > 0);

  sent = 5;
  res = await app.request("/metrics");
  m = parseMetrics(await res.text());
  assert.equal(m.value("things_sent_total"), 5, "the counter follows the source, not adds to it");
});

Deno.test("metrics: two registries in one process never share a metric", async () => {
  const a = createMetricsRegistry("a");
  const b = createMetricsRegistry("b");
  observedCounter(a, "same_total", "Same name", () => 1);
  observedCounter(b, "same_total", "Same name", () => 2);
  assert.equal(parseMetrics(await a.metrics()).value("same_total", { service: "a" }), 1);
  assert.equal(parseMetrics(await b.metrics()).value("same_total", { service: "b" }), 2);
});
