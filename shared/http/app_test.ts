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

Deno.test("http: an over-long URL, header set or token is answered in the error shape (414/431/400)", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    testApp().fetch,
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const cases: [string, RequestInit, number, string][] = [
      [`/me?pad=${"a".repeat(20_000)}`, {}, 414, "uri_too_long"],
      ["/me", { headers: { "X-Pad": "a".repeat(20_000) } }, 431, "headers_too_large"],
      [
        "/me",
        { headers: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`x-h${i}`, "v"])) },
        431,
        "headers_too_large",
      ],
      ["/me", { headers: { Authorization: `Bearer ${"a".repeat(6000)}` } }, 400, "token_too_long"],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await fetch(`${base}${path}`, init);
      assert.equal(res.status, status, path.slice(0, 40));
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.equal((await res.json()).error.code, code);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("http: NUL or a lone surrogate in any JSON string field is a 422 naming it; in a query, a 400", async () => {
  for (
    const [body, field] of [['{"name":"ab\\u0000c"}', "name"], ['{"name":"\\ud800xx"}', "name"]]
  ) {
    const res = await post(body);
    assert.equal(res.status, 422);
    assert.match((await res.json()).error.message, new RegExp(`^${field}: `));
  }
  const res = await testApp().request("/me?q=%00");
  assert.equal(res.status, 400);
  assert.match((await res.json()).error.message, /^q: /);
});

Deno.test("http: a body that does not arrive within the deadline is a 408 in the error shape", async () => {
  const app = createApiApp();
  installApiDefaults(app, silentLogger, { bodyTimeoutMs: 200 });
  app.post("/slow", async (c) => c.json({ data: await c.req.json() }));
  let cancel: (() => void) | undefined;
  const trickle = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"name":'));
      cancel = () => {
        try {
          controller.close();
        } catch { /* the server cancelled it already */ }
      };
    },
  });
  const started = performance.now();
  const res = await app.request("/slow", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: trickle,
    duplex: "half",
  } as RequestInit);
  cancel?.();
  assert.equal(res.status, 408);
  assert.equal((await res.json()).error.code, "request_timeout");
  assert.ok(performance.now() - started < 1000);
  // A body that arrives in time goes through.
  const fine = await app.request("/slow", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: '{"name":"x"}',
  });
  assert.deepEqual(await fine.json(), { data: { name: "x" } });
});

Deno.test("http: TRACE (a method no route answers) is a 405 in the error shape, not a 404", async () => {
  // fetch refuses to send TRACE: speak HTTP/1.1 on a socket.
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    testApp().fetch,
  );
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    await conn.write(
      new TextEncoder().encode("TRACE /me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    let text = "";
    const buf = new Uint8Array(4096);
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    conn.close();
    assert.match(text, /^HTTP\/1.1 405/);
    assert.match(text, /"code":"method_not_allowed"/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("http: a known path asked with a method it has no route for is a 405 naming its methods", async () => {
  const app = testApp();
  // A fixed path next to a pattern that would also match it: the fixed one's methods decide,
  // before the pattern's auth.
  app.post("/things/login", (c) => c.json({ data: "ok" }));
  for (
    const [method, path, allow] of [
      ["PUT", `/things/${id}`, "POST"],
      ["DELETE", "/me", "GET, HEAD"],
      ["GET", "/things/login", "POST"],
    ]
  ) {
    const res = await app.request(path, { method });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get("allow"), allow);
    assert.equal((await res.json()).error.code, "method_not_allowed");
  }
  assert.equal((await app.request("/nothing-here", { method: "PUT" })).status, 404);
});
