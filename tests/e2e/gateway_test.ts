/**
 * The gateway in front of the real deployment (docs/gateway.md): two gateway instances before
 * user-service, two chat-service instances and presence-service. Every public route answers
 * through a gateway, the WebSocket too (subscribe with replay); a token of an ended session is
 * refused at the edge; the limits are one count for both gateways; and a request's id is in
 * the gateway's log, the service's log and the Kafka record's headers.
 */
import assert from "node:assert/strict";
import { chatMessagesTopic } from "@chat-ts/shared/events";
import { createKafka, startConsumer, textHeaders } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import { eventually } from "../support/async.ts";
import { fixture } from "../support/fixture.ts";
import { api } from "../support/http.ts";
import { uniqueChannelName, uniqueName } from "../support/names.ts";
import { TestSocket } from "../support/socket.ts";
import { registerUser, startStack } from "../support/stack.ts";

const CHANNELS_PER_USER = 3;

const env = fixture(async () => {
  const stack = await startStack({
    chatInstances: 2,
    presence: {},
    // Debug on chat: the delivering instances log each delivery with the request id.
    chatEnv: { LOG_LEVEL: "debug" },
    gateways: {
      count: 2,
      env: {
        LOG_LEVEL: "info",
        GATEWAY_CHANNEL_CREATE_PER_USER: String(CHANNELS_PER_USER),
      },
    },
  });
  const [g1, g2] = stack.gatewayUrls;
  return { stack, g1, g2 };
}, ({ stack }) => stack.stop());

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `gateway: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

test("every public route answers through the gateway, with its headers", async () => {
  const { g1, g2 } = await env();
  // Register and log in through the gateway (public routes: no token).
  const alice = await registerUser(g1, "gw");
  const bob = await registerUser(g2, "gw");
  const refreshed = await api(g1, "POST", "/api/auth/refresh", undefined, {
    refresh_token: alice.refreshToken,
  });
  assert.equal(refreshed.status, 200);
  const token = refreshed.body.data.token as string;

  const me = await fetch(`${g1}/api/users/${alice.id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).data.username, alice.username);
  assert.match(me.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  assert.match(me.headers.get("ratelimit-policy") ?? "", /"other-address";q=\d+;w=\d+/);
  assert.match(me.headers.get("ratelimit") ?? "", /^"other-(address|user)";r=\d+;t=\d+$/);
  assert.equal(me.headers.get("x-content-type-options"), "nosniff");

  const search = await api(g2, "GET", `/api/users?query=${bob.username}`, token);
  assert.equal(search.status, 200);
  const created = await api(g1, "POST", "/api/channels", token, {
    channel_type: "public",
    name: uniqueChannelName("gw"),
  });
  assert.equal(created.status, 201);
  const channelId = created.body.data.id as string;
  assert.equal((await api(g2, "GET", "/api/channels", token)).status, 200);
  assert.equal((await api(g2, "GET", `/api/channels/${channelId}`, token)).status, 200);
  const first = await api(g1, "POST", `/api/channels/${channelId}/messages`, token, {
    content: "first, before the socket",
  });
  assert.equal(first.status, 201);
  const missed = await api(g2, "POST", `/api/channels/${channelId}/messages`, token, {
    content: "missed while away",
  });
  assert.equal(missed.status, 201);
  assert.equal((await api(g1, "GET", `/api/channels/${channelId}/messages`, token)).status, 200);
  const presence = await api(g2, "GET", `/api/presence?user_ids=${alice.id},${bob.id}`, token);
  assert.equal(presence.status, 200);
  assert.equal(presence.body.data.length, 2);

  // The WebSocket through a gateway: replay after the first message, then a live one sent
  // through the other gateway.
  const socket = await TestSocket.open(g2, bob.token);
  try {
    await socket.subscribe(channelId, first.body.data.id);
    const replayed = await socket.next((f) => f.type === "new_message");
    assert.equal(replayed.id, missed.body.data.id);
    const live = await api(g1, "POST", `/api/channels/${channelId}/messages`, token, {
      content: "live",
    });
    assert.equal((await socket.next((f) => f.type === "new_message")).id, live.body.data.id);
  } finally {
    await socket.close();
  }

  // The web client, with its security headers; health.
  const page = await fetch(`${g1}/`);
  assert.equal(page.status, 200);
  await page.body?.cancel();
  const csp = page.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers.get("referrer-policy"), "no-referrer");
  assert.equal(page.headers.get("access-control-allow-origin"), null, "CORS is off by default");
  const ready = await fetch(`${g2}/health/ready`);
  assert.equal(ready.status, 200);
  await ready.body?.cancel();
});

test("requests without a valid token are refused at the edge", async () => {
  const { g1, stack } = await env();
  const missing = await api(g1, "GET", "/api/channels", undefined);
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error.code, "missing_token");
  const bad = await fetch(`${g1}/api/channels`, { headers: { Authorization: "Bearer nope" } });
  assert.equal(bad.status, 401);
  const id = bad.headers.get("x-request-id") ?? "";
  await bad.body?.cancel();
  // Never reached a service: no service's line names that request.
  assert.ok(
    id !== "" &&
      !stack.logs().split("\n").some((l) => l.includes(id) && !l.includes('"service":"gateway"')),
  );
  const socket = await fetch(`${g1}/ws?token=nope`);
  assert.equal(socket.status, 401);
  await socket.body?.cancel();
  const large = await fetch(`${g1}/api/users`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "x".repeat(300 * 1024) }),
  });
  assert.equal(large.status, 413);
  await large.body?.cancel();
});

test("a logged-out session's token is refused at the edge within 2 s", async () => {
  const { g1, g2 } = await env();
  const user = await registerUser(g1, "gwout");
  assert.equal((await api(g2, "GET", "/api/channels", user.token)).status, 200);
  const out = await api(g1, "POST", "/api/auth/logout", user.token, {
    refresh_token: user.refreshToken,
  });
  assert.ok(out.status < 300, `logout: ${out.status}`);
  const started = performance.now();
  for (const gateway of [g1, g2]) {
    await eventually(2000, `401 from ${gateway}`, async () => {
      const res = await api(gateway, "GET", "/api/channels", user.token);
      return res.status === 401 ? res : undefined;
    });
  }
  assert.ok(performance.now() - started < 2500);
});

test("the limits are shared: a 429 after the limit on either gateway", async () => {
  const { g1, g2 } = await env();
  const user = await registerUser(g1, "gwlimit");
  for (let i = 0; i < CHANNELS_PER_USER; i++) {
    const res = await api(i % 2 === 0 ? g1 : g2, "POST", "/api/channels", user.token, {
      channel_type: "public",
      name: uniqueChannelName("lim"),
    });
    assert.equal(res.status, 201);
  }
  for (const gateway of [g1, g2]) {
    const res = await fetch(`${gateway}/api/channels`, {
      method: "POST",
      headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ channel_type: "public", name: uniqueChannelName("lim") }),
    });
    assert.equal(res.status, 429);
    assert.equal((await res.json()).error.code, "rate_limited");
    assert.ok(Number(res.headers.get("retry-after")) >= 1);
    assert.match(res.headers.get("ratelimit") ?? "", /^"channel_create-user";r=0;t=\d+$/);
    assert.match(
      res.headers.get("ratelimit-policy") ?? "",
      new RegExp(`"channel_create-user";q=${CHANNELS_PER_USER};w=\\d+`),
    );
  }
});

test("a request id is in the gateway's log, the service's log and the Kafka record", async () => {
  const { g1, g2, stack } = await env();
  const user = await registerUser(g1, "gwtrace");
  const created = await api(g1, "POST", "/api/channels", user.token, {
    channel_type: "public",
    name: uniqueChannelName("trace"),
  });
  const channelId = created.body.data.id as string;
  const socket = await TestSocket.open(g2, user.token);
  await socket.subscribe(channelId);
  const kafka = createKafka({
    brokers: ["127.0.0.1:9092"],
    clientId: "gateway-test",
    logger: silentLogger,
  });
  const headers: Record<string, string>[] = [];
  const consumer = await startConsumer(kafka.consumer({ groupId: uniqueName("gwtest") }), {
    topics: [chatMessagesTopic(channelId)],
    fromBeginning: false,
    logger: silentLogger,
    eachMessage: ({ message }) => {
      if (String(message.value).includes(channelId) && message.headers !== undefined) {
        headers.push(textHeaders(message.headers));
      }
      return Promise.resolve();
    },
  });
  try {
    // A client's own id is not believed (no trusted proxy): the gateway makes one.
    const sent = await fetch(`${g1}/api/channels/${channelId}/messages`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${user.token}`,
        "Content-Type": "application/json",
        "x-request-id": "made-up-by-the-client",
      },
      body: JSON.stringify({ content: "follow me" }),
    });
    assert.equal(sent.status, 201);
    await sent.body?.cancel();
    const id = sent.headers.get("x-request-id") ?? "";
    assert.notEqual(id, "made-up-by-the-client");
    assert.match(id, /^[0-9a-f-]{36}$/);
    await socket.next((f) => f.type === "new_message");

    const record = await eventually(
      5000,
      "the record with the request id",
      () => headers.find((h) => h["x-request-id"] === id),
    );
    assert.equal(record["x-request-id"], id);
    const lines = () => stack.logs().split("\n").filter((l) => l.includes(id));
    const withId = await eventually(5000, "log lines with the request id", () => {
      const found = lines();
      const access = found.find((l) => l.includes('"service":"gateway"'));
      const delivered = found.find((l) =>
        l.includes('"service":"chat-service"') && l.includes("message delivered")
      );
      return access && delivered ? { access, delivered } : undefined;
    });
    const access = JSON.parse(withId.access);
    assert.equal(access.message, "request");
    assert.equal(access.method, "POST");
    assert.equal(access.route, "/api/channels/:id/messages");
    assert.equal(access.status, 201);
    assert.equal(access.user_id, user.id);
    assert.equal(typeof access.duration_ms, "number");
    assert.ok(!withId.access.includes(user.token), "no token in the access log");
  } finally {
    await consumer.stop();
    await socket.close();
  }
});

test("the gateway serves one API document of every service, the AsyncAPI document and /docs", async () => {
  const { g1 } = await env();
  const openapi = await fetch(`${g1}/openapi.json`);
  assert.equal(openapi.status, 200);
  const document = await openapi.json();
  const paths = Object.keys(document.paths);
  // One path of each service behind the gateway.
  for (const path of ["/api/users/{id}", "/api/channels/{id}/messages", "/api/presence"]) {
    assert.ok(paths.includes(path), `${path} in ${paths.join(", ")}`);
  }
  const asyncapi = await fetch(`${g1}/asyncapi.json`);
  assert.equal(asyncapi.status, 200);
  assert.equal((await asyncapi.json()).asyncapi.startsWith("3."), true);
  const page = await fetch(`${g1}/docs`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  assert.match(await page.text(), /swagger-ui/i);
});
