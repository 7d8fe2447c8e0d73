/**
 * Request counts and latencies by route pattern (`/api/users/:id`, never the raw path: ids would
 * make a series per user) and status. `installApiDefaults` installs it first, so answers of the
 * shared defaults (405, 413, 422, …) count too.
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Counter, Histogram, type Registry } from "../metrics.ts";

/** Paths no route matched (404s, probes) share one series. */
export const UNMATCHED_ROUTE = "unmatched";

export function httpMetrics(registry: Registry): MiddlewareHandler {
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from a request's arrival to its answer, by method and route pattern",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // The last matched route is the handler's; only middleware (`*`) matched: no route did.
      const path = routePath(c, -1);
      const route = path === "" || path.includes("*") ? UNMATCHED_ROUTE : path;
      const method = c.req.method;
      requests.inc({ method, route, status: String(c.res.status) });
      duration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}
