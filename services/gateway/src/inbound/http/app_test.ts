/** The gateway app in process, in front of fake services: the edge's own answers and headers. */
import assert from "node:assert/strict";
import { trustedProxies } from "@chat-ts/shared/http";
import { createTokenCodec, refusingRevoked } from "@chat-ts/shared/jwt";
import { memoryLimits } from "@chat-ts/shared/limits";
import { silentLogger } from "@chat-ts/shared/logger";
import { Revocations } from "@chat-ts/shared/revocations";
import { gatewayLimitShape } from "../../config.ts";
import type { UpstreamService } from "../../domain/route/ports.ts";
import { quotasIn } from "../../outbound/limits/limit_store_counter.ts";
import { createGatewayApp } from "./app.ts";

const SECRET = "a-test-secret-of-at-least-32-bytes-long";
const userId = "0b7c5a6e-4d1f-4a8e-9c3b-2f1e0d9c8b7a";

function setup(options: { cors?: string[]; trusted?: string[]; perUser?: number } = {}) {
  const seen: Headers[] = [];
  const upstream: UpstreamService = {
    forward(_request, headers) {
      seen.push(headers);
      return Promise.resolve(Response.json({ data: "ok" }));
    },
    closeAll() {},
  };
  const revocations = new Revocations({ tokenTtlMs: 900_000 });
  const codec = createTokenCodec({ secret: SECRET });
  const limits = Object.fromEntries(
    Object.entries(gatewayLimitShape).map(([k, schema]) => [k, schema.parse(undefined)]),
  ) as Record<keyof typeof gatewayLimitShape, number>;
  const app = createGatewayApp({
    upstreams: { users: upstream, chat: upstream, presence: upstream },
    tokens: refusingRevoked(codec, (claims) => revocations.refuses(claims)),
    quotas: quotasIn(memoryLimits(), {
      ...limits,
      GATEWAY_OTHER_PER_USER: options.perUser ?? limits.GATEWAY_OTHER_PER_USER,
    }),
    readiness: () => Promise.resolve({ ready: true, checks: {} }),
    logger: silentLogger,
    trustedProxies: trustedProxies(options.trusted ?? []),
    corsOrigins: options.cors ?? [],
  });
  const info = { remoteAddr: { transport: "tcp", hostname: "10.1.2.3", port: 1 } };
  const call = (path: string, init: RequestInit = {}) =>
    app.fetch(new Request(`http://gw.test${path}`, init), info);
  const token = (sessionId = crypto.randomUUID()) =>
    codec.issue({ userId, username: "alice", sessionId });
  return { app, call, seen, revocations, token };
}

Deno.test("gateway: no token, a bad one or an ended session's is a 401 at the edge", async () => {
  const { call, seen, revocations, token } = setup();
  assert.equal((await call("/api/channels")).status, 401);
  const bad = await call("/api/channels", { headers: { Authorization: "Bearer x.y.z" } });
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get("www-authenticate"), 'Bearer realm="chat-ts"');
  const sessionId = crypto.randomUUID();
  const good = await token(sessionId);
  const auth = { headers: { Authorization: `Bearer ${good}` } };
  assert.equal((await call("/api/channels", auth)).status, 200);
  revocations.learn({
    type: "session_ended",
    eventId: crypto.randomUUID(),
    userId,
    sessionId,
    at: new Date(),
  });
  assert.equal((await call("/api/channels", auth)).status, 401);
  assert.equal((await call("/ws?token=nope")).status, 401);
  assert.equal(seen.length, 1, "only the valid request reached a service");
  // Public routes need no token.
  assert.equal((await call("/api/users/login", { method: "POST" })).status, 200);
});

Deno.test("gateway: past a limit, 429 with Retry-After and the RateLimit headers", async () => {
  const { call, token } = setup({ perUser: 2 });
  const auth = { headers: { Authorization: `Bearer ${await token()}` } };
  const first = await call("/api/users/x", auth);
  assert.equal(first.headers.get("ratelimit"), '"other-user";r=1;t=60');
  assert.match(first.headers.get("ratelimit-policy") ?? "", /"other-user";q=2;w=60/);
  assert.equal((await call("/api/users/x", auth)).status, 200);
  const refused = await call("/api/users/x", auth);
  assert.equal(refused.status, 429);
  assert.equal((await refused.json()).error.code, "rate_limited");
  assert.equal(refused.headers.get("retry-after"), "60");
  assert.equal(refused.headers.get("ratelimit"), '"other-user";r=0;t=60');
});

Deno.test("gateway: the request id is made here unless a trusted proxy sent a valid one", async () => {
  const untrusted = setup();
  const own = await untrusted.call("/api/users", {
    method: "POST",
    headers: { "x-request-id": "from-the-client" },
  });
  const made = own.headers.get("x-request-id") ?? "";
  assert.match(made, /^[0-9a-f-]{36}$/);
  assert.equal(untrusted.seen[0].get("x-request-id"), made);
  assert.equal(untrusted.seen[0].get("x-forwarded-for"), "10.1.2.3");

  const trusted = setup({ trusted: ["10.0.0.0/8"] });
  const kept = await trusted.call("/api/users", {
    method: "POST",
    headers: { "x-request-id": "lb-1234", "x-forwarded-for": "203.0.113.9" },
  });
  assert.equal(kept.headers.get("x-request-id"), "lb-1234");
  assert.equal(trusted.seen[0].get("x-forwarded-for"), "203.0.113.9");
  const invalid = await trusted.call("/api/users", {
    method: "POST",
    headers: { "x-request-id": "no spaces allowed" },
  });
  assert.notEqual(invalid.headers.get("x-request-id"), "no spaces allowed");
});

Deno.test("gateway: security headers, CORS only when configured, body limit", async () => {
  const { call } = setup();
  const answer = await call("/health/live");
  assert.match(answer.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
  assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
  assert.equal(answer.headers.get("referrer-policy"), "no-referrer");
  const cross = await call("/api/users", { method: "POST", headers: { Origin: "https://a.test" } });
  assert.equal(cross.headers.get("access-control-allow-origin"), null);
  const large = await call("/api/users", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": String(300 * 1024) },
    body: "x".repeat(300 * 1024),
  });
  assert.equal(large.status, 413);
  const trace = await call("/api/channels", { method: "PROPFIND" });
  assert.equal(trace.status, 405);

  const withCors = setup({ cors: ["https://a.test"] });
  const preflight = await withCors.call("/api/channels", {
    method: "OPTIONS",
    headers: { Origin: "https://a.test", "Access-Control-Request-Method": "POST" },
  });
  assert.equal(preflight.headers.get("access-control-allow-origin"), "https://a.test");
});
