/**
 * Sessions that end (DESIGN §9) across two chat-service instances: a logged-out session and a
 * deleted user each have an open WebSocket on both instances and a token in hand. Within 2 s
 * both instances answer 401 and close those sockets (1008 `session_ended`), and nothing the
 * user tries afterwards is stored. The run's logs never hold a token, refresh token or password.
 */
import assert from "node:assert/strict";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { TestSocket } from "../support/socket.ts";
import { type RegisteredUser, startStack } from "../support/stack.ts";
import { stackFixture } from "../support/stack_fixture.ts";

const REVOCATION_DEADLINE_MS = 2000;

const env = stackFixture({
  chatInstances: 2,
  // Every level, so the log scan sees every line the services can write.
  chatEnv: { LOG_LEVEL: "debug" },
  userEnv: { LOG_LEVEL: "debug" },
}, async (stack) => {
  const [a, b] = stack.chatUrls;
  const owner = await stack.register("owner");
  const created = await api(a, "POST", "/api/channels", owner.token, {
    channel_type: "public",
    name: uniqueChannelName("revoke"),
  });
  assert.equal(created.status, 201);
  return { a, b, owner, channelId: created.body.data.id as string };
});

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `revocation: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

/** A socket on each instance, subscribed to the shared channel. */
async function socketsOnBoth(user: RegisteredUser): Promise<TestSocket[]> {
  const { a, b, channelId } = await env();
  const sockets = await Promise.all([a, b].map((base) => TestSocket.open(base, user.token)));
  for (const socket of sockets) await socket.subscribe(channelId);
  return sockets;
}

/** Ends the sessions with `end`, then checks both instances within the deadline; returns ms. */
async function assertRevoked(
  user: RegisteredUser,
  sockets: TestSocket[],
  end: () => Promise<void>,
): Promise<number> {
  const { a, b, channelId, owner } = await env();
  const started = performance.now();
  await end();
  const closes = await Promise.all(sockets.map((s) =>
    Promise.race([
      s.closed,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), REVOCATION_DEADLINE_MS + 500)),
    ])
  ));
  const closedAfter = performance.now() - started;
  for (const close of closes) {
    assert.ok(close !== undefined, "socket still open after the deadline");
    assert.equal(close.code, 1008);
    assert.equal(close.reason, "session_ended");
  }
  // HTTP on both instances: 401, polled until the deadline.
  for (const base of [a, b]) {
    while (true) {
      const res = await api(base, "GET", "/api/channels", user.token);
      if (res.status === 401) break;
      assert.ok(performance.now() - started < REVOCATION_DEADLINE_MS, `${base} still accepts`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const latency = Math.max(closedAfter, performance.now() - started);
  assert.ok(latency <= REVOCATION_DEADLINE_MS + 200, `revocation took ${latency} ms`);

  // Nothing they try afterwards is stored or opened.
  const marker = `after-revocation-${crypto.randomUUID()}`;
  for (const base of [a, b]) {
    const sent = await api(base, "POST", `/api/channels/${channelId}/messages`, user.token, {
      content: marker,
    });
    assert.equal(sent.status, 401);
    const channel = await api(base, "POST", "/api/channels", user.token, {
      channel_type: "public",
      name: uniqueChannelName("late"),
    });
    assert.equal(channel.status, 401);
    const direct = await api(base, "POST", "/api/channels", user.token, {
      channel_type: "direct",
      participant_id: owner.id,
    });
    assert.equal(direct.status, 401);
    const upgrade = await fetch(`${base}/ws?token=${user.token}`, {
      headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-version": "13" },
    });
    assert.equal(upgrade.status, 401);
    await upgrade.body?.cancel();
  }
  const history = await api(a, "GET", `/api/channels/${channelId}/messages?limit=100`, owner.token);
  assert.equal(history.status, 200);
  assert.ok(!history.body.data.some((m: { content: string }) => m.content === marker));
  console.log(`revocation latency on two instances: ${Math.round(latency)} ms`);
  return latency;
}

test("logout closes the session's sockets on both instances and its token is refused", async () => {
  const { stack } = await env();
  const user = await stack.register("leaver");
  const sockets = await socketsOnBoth(user);
  // A second session of the same user is not touched by the first one's logout.
  const other = await fetch(`${stack.userServiceUrl}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  const otherToken: string = (await other.json()).data.token;
  await assertRevoked(user, sockets, async () => {
    const res = await fetch(`${stack.userServiceUrl}/api/auth/logout`, {
      method: "POST",
      headers: { Authorization: `Bearer ${user.token}` },
    });
    assert.equal(res.status, 204);
    await res.body?.cancel();
  });
  const { a, b } = await env();
  for (const base of [a, b]) {
    assert.equal((await api(base, "GET", "/api/channels", otherToken)).status, 200);
  }
});

test("deleting the account closes every socket on both instances and refuses every token", async () => {
  const { stack } = await env();
  const user = await stack.register("doomed");
  const sockets = await socketsOnBoth(user);
  await assertRevoked(user, sockets, async () => {
    const res = await fetch(`${stack.userServiceUrl}/api/users/${user.id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${user.token}` },
    });
    assert.equal(res.status, 204);
    await res.body?.cancel();
  });
});

test("a refresh-token reuse ends the session on both instances", async () => {
  const { stack } = await env();
  const user = await stack.register("reuser");
  const refresh = (token: string) =>
    fetch(`${stack.userServiceUrl}/api/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: token }),
    });
  const rotated = await refresh(user.refreshToken);
  assert.equal(rotated.status, 200);
  const fresh: string = (await rotated.json()).data.token;
  const holder = { ...user, token: fresh };
  const sockets = await socketsOnBoth(holder);
  await assertRevoked(holder, sockets, async () => {
    const reused = await refresh(user.refreshToken);
    assert.equal(reused.status, 401);
    await reused.body?.cancel();
  });
});

test("an instance started after a logout refuses the ended session's token", async () => {
  const { stack, a } = await env();
  const user = await stack.register("early");
  const res = await fetch(`${stack.userServiceUrl}/api/auth/logout`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.token}` },
  });
  assert.equal(res.status, 204);
  await res.body?.cancel();
  // Wait until the running instance knows, so the event has gone through the replica reader.
  const deadline = Date.now() + 5000;
  while ((await api(a, "GET", "/api/channels", user.token)).status !== 401) {
    assert.ok(Date.now() < deadline);
    await new Promise((r) => setTimeout(r, 50));
  }
  const late = await startStack({ chatInstances: 1 });
  try {
    // Its own user-service shares the database, so the token is valid there too.
    const [c] = late.chatUrls;
    assert.equal((await api(c, "GET", "/api/channels", user.token)).status, 401);
  } finally {
    await late.stop();
  }
});

test("the logs of the run hold no token, refresh token or password", async () => {
  const { stack, a } = await env();
  const user = await stack.register("secretive");
  const login = (password: string) =>
    fetch(`${stack.userServiceUrl}/api/users/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: user.username, password }),
    });
  const wrongPassword = `wrong-${crypto.randomUUID()}`;
  await (await login(wrongPassword)).body?.cancel();
  const refreshed = await fetch(`${stack.userServiceUrl}/api/auth/refresh`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: user.refreshToken }),
  });
  const pair = (await refreshed.json()).data;
  // A refused token, a bad one, and a logout.
  await api(a, "GET", "/api/channels", `${pair.token}x`);
  await api(a, "GET", "/api/channels", pair.token);
  await (await fetch(`${stack.userServiceUrl}/api/auth/logout`, {
    method: "POST",
    headers: { Authorization: `Bearer ${pair.token}` },
  })).body?.cancel();
  await new Promise((r) => setTimeout(r, 1000)); // the session end reaches the logs
  const logs = stack.logs();
  assert.ok(logs.length > 0);
  const secrets = {
    access_token: user.token,
    refreshed_access_token: pair.token,
    refresh_token: user.refreshToken,
    rotated_refresh_token: pair.refresh_token,
    password: user.password === "password123" ? `"${user.password}"` : user.password,
    wrong_password: wrongPassword,
    database_password: "chat:chat@",
    argon2_hash: "$argon2id$",
  };
  for (const [name, secret] of Object.entries(secrets)) {
    assert.ok(!logs.includes(secret), `the logs hold the ${name}`);
  }
  // The security events are there, by user, without the secret.
  assert.match(logs, /login refused/);
  assert.match(logs, /session ended/);
});
