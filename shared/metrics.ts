/**
 * Prometheus metrics through prom-client (docs/metrics.md). Each service builds its own
 * `Registry` in its assembly and serves it at `GET /metrics`; prom-client's default registry
 * (its module-level `register`) is never used, so two services in one process (the embedded
 * mode) or two test stacks never share or collide on a metric.
 *
 * Hot paths keep plain numbers (`connections.framesOut++`); the metrics read them when
 * Prometheus scrapes (`observedCounter`, `observedGauge`), so a delivery costs no label lookup.
 */
import { Counter, Gauge, Registry } from "prom-client";
import type { Context } from "hono";

export { Counter, Gauge, Histogram, Registry } from "prom-client";

/** A registry whose every series carries `service`, with the process's memory and start time. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // prom-client's default metrics read /proc and perf_hooks (extra permissions, and zeros on
  // Deno): these two come from Deno itself, which needs no permission.
  const started = Date.now() / 1000;
  observedGauge(
    registry,
    "process_start_time_seconds",
    "Start time of the process (Unix s)",
    () => started,
  );
  new Gauge({
    name: "process_memory_bytes",
    help: "Memory of the process by kind (Deno.memoryUsage: rss, heap_total, heap_used, external)",
    labelNames: ["kind"],
    registers: [registry],
    collect() {
      const m = Deno.memoryUsage();
      this.set({ kind: "rss" }, m.rss);
      this.set({ kind: "heap_total" }, m.heapTotal);
      this.set({ kind: "heap_used" }, m.heapUsed);
      this.set({ kind: "external" }, m.external);
    },
  });
  return registry;
}

/** A counter whose value is kept elsewhere as a plain, ever-growing number. */
export function observedCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => number,
): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/**
 * A gauge read at scrape time. `read` may be async (a `count(*)`, a Kafka offset fetch); when
 * it fails the gauge is NaN for that scrape: "unknown", not zero.
 */
export function observedGauge(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | Promise<number>,
): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}

/** A gauge with one series per label value, read at scrape time (e.g. lag per consumer group). */
export function observedGauges(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  read: () => Promise<ReadonlyMap<string, number>> | ReadonlyMap<string, number>,
): void {
  new Gauge({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const [value, amount] of await read()) this.set({ [label]: value }, amount);
      } catch {
        // No series this scrape: the source is away (its own readiness check says so).
      }
    },
  });
}

/** `GET /metrics`: the registry in Prometheus' text format. */
export function metricsHandler(registry: Registry) {
  return async (c: Context) =>
    c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
}
