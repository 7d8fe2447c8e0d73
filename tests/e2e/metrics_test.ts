/**
 * `/metrics` of every service on the real stack (docs/metrics.md): user-service, one
 * chat-service instance and presence-service as their own processes. Each test reads a series,
 * does what should move it, and reads it again.
 */
import assert from "node:assert/strict";
import { eventually } from "../support/async.ts";
import { fixture } from "../support/fixture.ts";
import { api } from "../support/http.ts";
import { scrape } from "../support/metrics.ts";
import { uniqueChannelName } from "../support/names.ts";
import { TestSocket } from "../support/socket.ts";
import { startStack } from "../support/stack.ts";

const env = fixture(async () => {
  const stack = await startStack({ chatInstances: 1, presence: {} });
  try {
    const alice = await stack.register("metrics");
    return {
      stack,
      alice,
      users: stack.userServiceUrl,
      chat: stack.chatUrls[0],
      presence: stack.presenceUrl ?? "",
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}, ({ stack }) => stack.stop());

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `metrics: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

const requests = (method: string, route: string, status: string) => ({ method, route, status });

test("every service answers /metrics in Prometheus' text format, labelled with its name", async () => {
  const { users, chat, presence } = await env();
  for (
    const [base, service] of [[users, "user-service"], [chat, "chat-service"], [
      presence,
      "presence-service",
    ]]
  ) {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# TYPE http_requests_total counter$/m);
    assert.ok(text.includes(`service="${service}"`), service);
    assert.ok(!text.includes("Bearer"), "no token in any label");
  }
});

test("user-service: a request moves its route's counter and histogram; outbox and pools", async () => {
  const { users, alice } = await env();
  const route = requests("GET", "/api/users/:id", "200");
  const before = await scrape(users);
  const res = await api(users, "GET", `/api/users/${alice.id}`, alice.token);
  assert.equal(res.status, 200);
  const after = await scrape(users);
  assert.equal(
    (after.value("http_requests_total", route) ?? 0) -
      (before.value("http_requests_total", route) ?? 0),
    1,
  );
  const count = { method: "GET", route: "/api/users/:id" };
  assert.equal(
    (after.value("http_request_duration_seconds_count", count) ?? 0) -
      (before.value("http_request_duration_seconds_count", count) ?? 0),
    1,
  );
  // Registration wrote a user event: the relay published it.
  assert.ok((after.value("http_requests_total", requests("POST", "/api/users", "201")) ?? 0) >= 1);
  await eventually(10_000, "the outbox relay to publish", async () => {
    const m = await scrape(users);
    return (m.value("outbox_published_total") ?? 0) >= 1 ? true : undefined;
  });
  // The table is shared with every other process on this database: a count, not necessarily 0.
  const pending = after.value("outbox_pending_records");
  assert.ok(pending !== undefined && Number.isInteger(pending) && pending >= 0, String(pending));
  assert.equal(after.value("outbox_relay_healthy"), 1);
  assert.ok((after.value("postgres_pool_max_connections") ?? 0) > 0);
  assert.equal(after.value("redis_connected"), 1);
});

test("chat-service: a delivery moves the WebSocket counters; lag, breaker, pools", async () => {
  const { chat, alice } = await env();
  const created = await api(chat, "POST", "/api/channels", alice.token, {
    channel_type: "public",
    name: uniqueChannelName("metrics"),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const channelId: string = created.body.data.id;
  const before = await scrape(chat);
  const socket = await TestSocket.open(chat, alice.token);
  try {
    await socket.subscribe(channelId);
    const sent = await api(chat, "POST", `/api/channels/${channelId}/messages`, alice.token, {
      content: "counted",
    });
    assert.equal(sent.status, 201);
    await socket.next((f) => f.type === "new_message" && f.channel_id === channelId);
    const after = await scrape(chat);
    const moved = (name: string) => (after.value(name) ?? 0) - (before.value(name) ?? 0);
    assert.equal(after.value("websocket_connections"), 1);
    assert.equal(moved("websocket_connections_opened_total"), 1);
    assert.equal(moved("websocket_deliveries_total"), 1);
    assert.ok(moved("websocket_frames_received_total") >= 1, "subscribe");
    assert.ok(moved("websocket_frames_sent_total") >= 2, "subscribed and new_message");
    const send = requests("POST", "/api/channels/:id/messages", "201");
    assert.equal(
      (after.value("http_requests_total", send) ?? 0) -
        (before.value("http_requests_total", send) ?? 0),
      1,
    );
    // Relays of other processes on this database may take these rows: present, not counted.
    assert.ok(after.value("outbox_published_total") !== undefined);
    assert.equal(after.value("outbox_relay_healthy"), 1);
    assert.equal(after.value("user_lookup_breaker_state", { state: "closed" }), 1);
    assert.equal(after.value("user_lookup_breaker_state", { state: "open" }), 0);
    assert.ok((after.value("cassandra_pool_open_connections") ?? 0) >= 1);
    assert.equal(after.value("redis_connected"), 1);
    // One series per consumer group of the instance, a number of records.
    const lag = after.text.split("\n").filter((l) => l.startsWith("kafka_consumer_lag_records{"));
    assert.ok(lag.some((l) => l.includes('group="chat-service-fanout-')), after.text);
    for (const line of lag) assert.match(line, / \d+$/);
  } finally {
    await socket.close();
  }
  await eventually(
    10_000,
    "the closed socket uncounted",
    async () => (await scrape(chat)).value("websocket_connections") === 0 ? true : undefined,
  );
});

test("presence-service: a read moves its counter; its report reader's lag is there", async () => {
  const { presence, alice } = await env();
  const route = requests("GET", "/api/presence", "200");
  const before = await scrape(presence);
  const res = await api(presence, "GET", `/api/presence?user_ids=${alice.id}`, alice.token);
  assert.equal(res.status, 200);
  const after = await scrape(presence);
  assert.equal(
    (after.value("http_requests_total", route) ?? 0) -
      (before.value("http_requests_total", route) ?? 0),
    1,
  );
  assert.ok(after.text.includes('kafka_consumer_lag_records{group="presence-service-test-'));
  assert.equal(after.value("redis_connected"), 1);
});

test("docs/metrics.md names every metric a service serves", async () => {
  const { users, chat, presence } = await env();
  const docs = await Deno.readTextFile(new URL("../../docs/metrics.md", import.meta.url));
  for (const base of [users, chat, presence]) {
    const { text } = await scrape(base);
    for (const [, name] of text.matchAll(/^# TYPE (\S+) /gm)) {
      assert.ok(docs.includes(`\`${name}\``), `docs/metrics.md does not name ${name}`);
    }
  }
});
