/**
 * Per-user limits hold across chat-service instances (docs/limits.md): both instances count in
 * the shared Redis, so what a user spends on instance A is refused on instance B with 429 and
 * `Retry-After` — channel creation, message rate and open WebSockets.
 */
import assert from "node:assert/strict";
import { eventually } from "../support/async.ts";
import { fixture } from "../support/fixture.ts";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { TestSocket } from "../support/socket.ts";
import { startStack } from "../support/stack.ts";

const env = fixture(
  () =>
    startStack({
      chatInstances: 2,
      chatEnv: {
        CHANNELS_PER_USER_PER_HOUR: "2",
        MESSAGES_PER_USER_PER_WINDOW: "3",
        MESSAGE_WINDOW_SECONDS: "60",
        WS_MAX_CONNECTIONS_PER_USER: "2",
      },
    }),
  (stack) => stack.stop(),
);

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `limits: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

function assertRefused(res: { status: number; body: { error: { code: string } } }, code: string) {
  assert.equal(res.status, 429, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
}

const createChannel = (base: string, token: string) =>
  api(base, "POST", "/api/channels", token, {
    channel_type: "public",
    name: uniqueChannelName("limit"),
  });

test("channels created on instance A count on instance B", async () => {
  const stack = await env();
  const [a, b] = stack.chatUrls;
  const user = await stack.register("creator");
  assert.equal((await createChannel(a, user.token)).status, 201);
  assert.equal((await createChannel(a, user.token)).status, 201);
  const refused = await fetch(`${b}/api/channels`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ channel_type: "public", name: uniqueChannelName("limit") }),
  });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get("retry-after")) > 0, "Retry-After says when");
  assert.equal((await refused.json()).error.code, "rate_limited");
  // Another user has their own count.
  const other = await stack.register("other");
  assert.equal((await createChannel(b, other.token)).status, 201);
});

test("messages sent on instance A count against the rate on instance B", async () => {
  const stack = await env();
  const [a, b] = stack.chatUrls;
  const user = await stack.register("sender");
  const created = await createChannel(a, user.token);
  assert.equal(created.status, 201);
  const path = `/api/channels/${created.body.data.id}/messages`;
  for (let i = 0; i < 3; i++) {
    assert.equal((await api(a, "POST", path, user.token, { content: `m${i}` })).status, 201);
  }
  assertRefused(
    await api(b, "POST", path, user.token, { content: "one too many" }),
    "rate_limited",
  );
});

test("open WebSockets are capped across instances, and a closed one frees its slot", async () => {
  const stack = await env();
  const [a, b] = stack.chatUrls;
  const user = await stack.register("sockets");
  const onA = await TestSocket.open(a, user.token);
  const onB = await TestSocket.open(b, user.token);
  const third = await fetch(`${a}/ws?token=${user.token}`, {
    headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Version": "13" },
  });
  assert.equal(third.status, 429);
  assert.ok(Number(third.headers.get("retry-after")) > 0);
  assert.equal((await third.json()).error.code, "too_many_connections");
  await onB.close();
  const again = await eventually(5000, "a slot freed on B to be usable on A", async () => {
    try {
      return await TestSocket.open(a, user.token);
    } catch {
      return undefined;
    }
  }, 200);
  await Promise.all([again.close(), onA.close()]);
});
