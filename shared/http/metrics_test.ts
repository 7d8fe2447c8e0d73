import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { silentLogger } from "../logger.ts";
import { createMetricsRegistry } from "../metrics.ts";
import { parseMetrics } from "../../tests/support/metrics.ts";
import { createApiApp, installApiDefaults } from "./app.ts";
import { UNMATCHED_ROUTE } from "./metrics.ts";

function app() {
  const metrics = createMetricsRegistry("test");
  const api = createApiApp();
  installApiDefaults(api, silentLogger, { metrics });
  const sub = createApiApp().openapi(
    createRoute({
      method: "get",
      path: "/api/things/{id}",
      request: { params: z.object({ id: z.string().regex(/^\d+$/) }) },
      responses: { 200: { description: "A thing" } },
    }),
    (c) => c.json({ id: c.req.valid("param").id }, 200),
  );
  api.route("/", sub);
  return api;
}

const series = async (a: ReturnType<typeof app>) =>
  parseMetrics(await (await a.request("/metrics")).text());

Deno.test("http metrics: requests count by route pattern and status, with latency", async () => {
  const a = app();
  await a.request("/api/things/1");
  await a.request("/api/things/2");
  await a.request("/api/things/x");
  await a.request("/nowhere/at/all");
  await a.request("/api/things/1", { method: "BREW" });
  const m = await series(a);
  const route = "/api/things/:id";
  assert.equal(m.value("http_requests_total", { method: "GET", route, status: "200" }), 2);
  assert.equal(m.value("http_requests_total", { method: "GET", route, status: "400" }), 1);
  assert.equal(
    m.value("http_requests_total", { method: "GET", route: UNMATCHED_ROUTE, status: "404" }),
    1,
  );
  assert.equal(m.value("http_requests_total", { method: "BREW", status: "405" }), 1);
  assert.equal(m.value("http_request_duration_seconds_count", { method: "GET", route }), 3);
  assert.ok(!m.text.includes("/api/things/1"), "raw paths never become labels");
});
