import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { createTokenCodec } from "../jwt.ts";
import { silentLogger } from "../logger.ts";
import { postgresUnavailable } from "../postgres.ts";
import { unavailableAs } from "../unavailable.ts";
import { createApiApp, installApiDefaults, MAX_BODY_BYTES } from "./app.ts";
import { type AuthVariables, bearerAuth } from "./auth.ts";

const tokens = createTokenCodec({ secret: "x".repeat(40) });

function testApp() {
  const app = createApiApp<{ Variables: AuthVariables }>();
  installApiDefaults(app, silentLogger);
  app.openapi(
    createRoute({
      method: "post",
      path: "/things/{id}",
      request: {
        params: z.object({ id: z.uuid() }),
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ name: z.string().min(3) }) } },
        },
      },
      responses: { 201: { description: "created" } },
    }),
    (c) => c.json({ data: { id: c.req.valid("param").id, name: c.req.valid("json").name } }, 201),
  );
  app.get("/boom", () => {
    throw new Error("kaboom");
  });
  app.use("/me", bearerAuth(tokens));
  app.get("/me", (c) => c.json({ data: c.var.caller }));
  return app;
}

const id = "0b7c5a6e-4d1f-4a8e-9c3b-2f1e0d9c8b7a";
const post = (body: string, path = `/things/${id}`) =>
  testApp().request(path, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json" },
  });

Deno.test("http: a valid request reaches the handler", async () => {
  const res = await post(JSON.stringify({ name: "abc" }));
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), { data: { id, name: "abc" } });
});

Deno.test("http: malformed JSON is a 400 in the error shape", async () => {
  const res = await post("{nope");
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, "malformed_json");
});

Deno.test("http: a rule violation is a 422 naming the field", async () => {
  const res = await post(JSON.stringify({ name: "ab" }));
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.error.code, "validation_failed");
  assert.match(body.error.message, /^name: /);
});

Deno.test("http: a bad path parameter is a 400 naming it", async () => {
  const res = await post(JSON.stringify({ name: "abc" }), "/things/not-a-uuid");
  assert.equal(res.status, 400);
  assert.match((await res.json()).error.message, /^id: /);
});

Deno.test("http: unknown routes are 404 in the error shape", async () => {
  const res = await testApp().request("/nowhere");
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal((await res.json()).error.code, "not_found");
});

Deno.test("http: bodies over the limit are 413", async () => {
  const res = await post(JSON.stringify({ name: "a".repeat(MAX_BODY_BYTES) }));
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.code, "payload_too_large");
});

Deno.test("http: an unexpected error is a 500 that hides its details", async () => {
  const res = await testApp().request("/boom");
  assert.equal(res.status, 500);
  const body = await res.json();
  assert.equal(body.error.code, "internal");
  assert.ok(!JSON.stringify(body).includes("kaboom"));
});

Deno.test("http: bearer auth admits a valid token and refuses the rest with 401", async () => {
  const token = await tokens.issue({ userId: id, username: "alice" });
  const ok = await testApp().request("/me", { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { data: { userId: id, username: "alice" } });
  for (
    const header of [undefined, "Bearer", `Basic ${token}`, "Bearer garbage", `bearer${token}`]
  ) {
    const res = await testApp().request("/me", {
      headers: header === undefined ? {} : { Authorization: header },
    });
    assert.equal(res.status, 401, String(header));
    assert.equal(res.headers.get("WWW-Authenticate"), 'Bearer realm="chat-ts"');
    assert.ok((await res.json()).error.message.length > 0);
  }
});

Deno.test("api defaults: an outage answers 503 unavailable with Retry-After; a bug stays 500", async () => {
  const app = createApiApp();
  installApiDefaults(app, silentLogger, { deadlineMs: 100 });
  const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  const store = unavailableAs("postgres", postgresUnavailable, {
    find: () => Promise.reject(refused),
    broken: () => Promise.reject(new Error("bug")),
  });
  app.get("/down", async () => {
    await store.find();
    return new Response("never");
  });
  app.get("/bug", async () => {
    await store.broken();
    return new Response("never");
  });
  app.get("/slow", async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return c.text("late");
  });
  const down = await app.request("/down");
  assert.equal(down.status, 503);
  assert.equal(down.headers.get("retry-after"), "2");
  const body = await down.json();
  assert.equal(body.error.code, "unavailable");
  assert.match(body.error.message, /postgres/);
  assert.equal((await app.request("/bug")).status, 500);
  const started = performance.now();
  const slow = await app.request("/slow");
  assert.equal(slow.status, 503, "answered at the deadline");
  assert.ok(performance.now() - started < 250);
  assert.equal(slow.headers.get("retry-after"), "2");
  await new Promise((resolve) => setTimeout(resolve, 250)); // the late handler finishes
});
