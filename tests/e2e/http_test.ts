/**
 * DESIGN §3 chat-service rows over HTTP, end to end: user-service and two
 * chat-service processes on the local Postgres, Kafka and Cassandra.
 * Messages use one-second buckets so paging crosses bucket boundaries.
 * The stack is started by the first test that needs it and stopped after the last.
 */
import assert from "node:assert/strict";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { stackFixture } from "../support/stack_fixture.ts";

const env = stackFixture({ chatEnv: { MESSAGE_BUCKET_SECONDS: "1" } }, async (stack) => {
  const [alice, bob, carol] = await Promise.all([
    stack.register("alice"),
    stack.register("bob"),
    stack.register("carol"),
  ]);
  return { chat: stack.chatUrls[0], alice, bob, carol };
});

/** The status of one call to the first chat instance. */
const statusOf = async (method: string, path: string, who: { token: string }) =>
  (await api((await env()).chat, method, path, who.token)).status;

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `chat http: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

const named = async (type: "public" | "private", name = uniqueChannelName("ch")) => {
  const { chat, alice } = await env();
  return api(chat, "POST", "/api/channels", alice.token, {
    channel_type: type,
    name,
    description: "about",
  });
};

test("public channels: 201, names unique ignoring case across public and private, listed by name", async () => {
  const { chat, alice, bob } = await env();
  const name = uniqueChannelName("Pub");
  const created = await named("public", name);
  assert.equal(created.status, 201);
  assert.deepEqual(Object.keys(created.body.data).sort(), [
    "created_at",
    "created_by",
    "description",
    "id",
    "name",
    "type",
  ]);
  assert.equal(created.body.data.type, "public");
  assert.equal(created.body.data.created_by, alice.id);
  assert.equal((await named("public", name.toUpperCase())).status, 409);
  assert.equal((await named("private", name.toLowerCase())).body.error.code, "name_taken");

  const prefix = uniqueChannelName("list");
  for (const suffix of ["c", "a", "b"]) await named("public", `${prefix}-${suffix}`);
  const page1 = await api(chat, "GET", `/api/channels?limit=2&after=${prefix}`, bob.token);
  assert.equal(page1.status, 200);
  assert.deepEqual(page1.body.data.map((c: { name: string }) => c.name), [
    `${prefix}-a`,
    `${prefix}-b`,
  ]);
  const page2 = await api(chat, "GET", `/api/channels?limit=1&after=${prefix}-b`, bob.token);
  assert.equal(page2.body.data[0].name, `${prefix}-c`);
  assert.equal((await api(chat, "GET", "/api/channels?limit=0", bob.token)).status, 400);
});

test("bad input: 401 without a token, 400 malformed JSON, 422 naming the field, 404 unknown routes", async () => {
  const { chat, alice } = await env();
  assert.equal((await api(chat, "GET", "/api/channels", undefined)).status, 401);
  const garbage = await api(chat, "POST", "/api/channels", alice.token, "{nope");
  assert.equal(garbage.status, 400);
  const cases: [unknown, RegExp][] = [
    [{ channel_type: "public", name: "a" }, /^name/],
    [{ channel_type: "public", name: "has space" }, /^name/],
    [{ channel_type: "group", name: "abc" }, /channel_type/],
    [{ name: "abc" }, /channel_type/],
    [{ channel_type: "direct", participant_id: "nope" }, /^participant_id/],
  ];
  for (const [body, message] of cases) {
    const res = await api(chat, "POST", "/api/channels", alice.token, body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.match(res.body.error.message, message);
  }
  const unknown = await api(chat, "GET", "/api/nope", alice.token);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, "not_found");
  assert.equal((await api(chat, "GET", "/api/channels/not-a-uuid", alice.token)).status, 400);
});

test("private channels: the creator is the first member; non-members get 404 everywhere", async () => {
  const { chat, alice, bob } = await env();
  const created = await named("private");
  assert.equal(created.status, 201);
  const channel = created.body.data;
  assert.deepEqual(channel.members, [alice.id]);
  const id = channel.id;
  assert.equal((await api(chat, "GET", `/api/channels/${id}`, alice.token)).status, 200);
  for (
    const [method, path, body] of [
      ["GET", `/api/channels/${id}`, undefined],
      ["GET", `/api/channels/${id}/messages`, undefined],
      ["POST", `/api/channels/${id}/messages`, { content: "let me in" }],
      ["POST", `/api/channels/${id}/members`, { user_id: bob.id }],
      ["DELETE", `/api/channels/${id}/members/${alice.id}`, undefined],
    ] as const
  ) {
    const res = await api(chat, method, path, bob.token, body);
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.body.error.code, "not_found");
  }
  const publicList = await api(
    chat,
    "GET",
    `/api/channels?limit=200&after=${channel.name.slice(0, -1)}`,
    bob.token,
  );
  assert.ok(
    !publicList.body.data.some((c: { id: string }) => c.id === id),
    "private channels are not listed publicly",
  );
  const mine = await api(chat, "GET", "/api/channels?member=me&limit=200", alice.token);
  assert.ok(mine.body.data.some((c: { id: string }) => c.id === id));
});

test("members: a member adds, the creator removes, members leave, others may not remove", async () => {
  const { chat, alice, bob, carol } = await env();
  const id = (await named("private")).body.data.id;
  const added = await api(chat, "POST", `/api/channels/${id}/members`, alice.token, {
    user_id: bob.id,
  });
  assert.equal(added.status, 201);
  assert.deepEqual(added.body.data.members.sort(), [alice.id, bob.id].sort());
  assert.equal(
    (await api(chat, "POST", `/api/channels/${id}/members`, bob.token, { user_id: carol.id }))
      .status,
    201,
  );
  const unknownUser = await api(chat, "POST", `/api/channels/${id}/members`, bob.token, {
    user_id: crypto.randomUUID(),
  });
  assert.equal(unknownUser.status, 422);
  assert.match(unknownUser.body.error.message, /^user_id/);
  assert.equal(await statusOf("DELETE", `/api/channels/${id}/members/${carol.id}`, bob), 403);
  assert.equal(await statusOf("DELETE", `/api/channels/${id}/members/${carol.id}`, alice), 204);
  assert.equal((await api(chat, "GET", `/api/channels/${id}`, carol.token)).status, 404);
  assert.equal(await statusOf("DELETE", `/api/channels/${id}/members/${bob.id}`, bob), 204);
  assert.equal((await api(chat, "GET", `/api/channels/${id}`, bob.token)).status, 404);
  const publicId = (await named("public")).body.data.id;
  assert.equal(
    (await api(chat, "POST", `/api/channels/${publicId}/members`, alice.token, { user_id: bob.id }))
      .status,
    422,
  );
});

test("direct channels: once per unordered pair, only existing other users", async () => {
  const { stack, chat, alice, bob, carol } = await env();
  const dave = await stack.register("dave");
  const first = await api(chat, "POST", "/api/channels", alice.token, {
    channel_type: "direct",
    participant_id: dave.id,
  });
  assert.equal(first.status, 201);
  assert.equal(first.body.data.type, "direct");
  assert.deepEqual([...first.body.data.members].sort(), [alice.id, dave.id].sort());
  const again = await api(stack.chatUrls[1], "POST", "/api/channels", dave.token, {
    channel_type: "direct",
    participant_id: alice.id,
  });
  assert.equal(again.status, 200);
  assert.equal(again.body.data.id, first.body.data.id);
  const self = await api(chat, "POST", "/api/channels", alice.token, {
    channel_type: "direct",
    participant_id: alice.id,
  });
  assert.equal(self.status, 422);
  const ghost = await api(chat, "POST", "/api/channels", alice.token, {
    channel_type: "direct",
    participant_id: crypto.randomUUID(),
  });
  assert.equal(ghost.status, 422);
  assert.equal(await statusOf("GET", `/api/channels/${first.body.data.id}`, bob), 404);
  const concurrent = await Promise.all(
    [0, 1, 2].map((i) =>
      api(stack.chatUrls[i % 2], "POST", "/api/channels", i === 1 ? carol.token : dave.token, {
        channel_type: "direct",
        participant_id: i === 1 ? dave.id : carol.id,
      })
    ),
  );
  assert.equal(
    new Set(concurrent.map((r) => r.body.data.id)).size,
    1,
    "concurrent requests share one channel",
  );
});

test("messages: send, read newest first with the sender's username, delete by author only", async () => {
  const { stack, chat, alice, bob, carol } = await env();
  const id = (await named("public")).body.data.id;
  const sent = await api(chat, "POST", `/api/channels/${id}/messages`, bob.token, {
    content: "  hello there  ",
  });
  assert.equal(sent.status, 201);
  const message = sent.body.data;
  assert.equal(message.content, "hello there");
  assert.equal(message.username, bob.username);
  assert.equal(message.user_id, bob.id);
  assert.match(message.id, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-/);
  assert.match(message.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  await api(chat, "POST", `/api/channels/${id}/messages`, alice.token, { content: "second" });
  const history = await api(stack.chatUrls[1], "GET", `/api/channels/${id}/messages`, carol.token);
  assert.equal(history.status, 200);
  assert.deepEqual(history.body.data.map((m: { content: string }) => m.content), [
    "second",
    "hello there",
  ]);
  assert.deepEqual(history.body.data[1], message);

  for (const content of ["", "   ", "x".repeat(4001)]) {
    const res = await api(chat, "POST", `/api/channels/${id}/messages`, bob.token, { content });
    assert.equal(res.status, 422);
    assert.match(res.body.error.message, /^content/);
  }
  assert.equal(
    (await api(chat, "POST", `/api/channels/${id}/messages`, bob.token, { text: "hi" })).status,
    422,
  );
  assert.equal(await statusOf("DELETE", `/api/channels/${id}/messages/${message.id}`, alice), 403);
  assert.equal(await statusOf("DELETE", `/api/channels/${id}/messages/${message.id}`, bob), 204);
  assert.equal(await statusOf("DELETE", `/api/channels/${id}/messages/${message.id}`, bob), 404);
  const after = await api(chat, "GET", `/api/channels/${id}/messages`, carol.token);
  assert.deepEqual(after.body.data.map((m: { content: string }) => m.content), ["second"]);
});

test("messages: a retried send with the same client_id is stored once and returns the original", async () => {
  const { stack, chat, bob } = await env();
  const id = (await named("public")).body.data.id;
  const clientId = crypto.randomUUID();
  const attempts = await Promise.all(
    [0, 1, 2].map((i) =>
      api(stack.chatUrls[i % 2], "POST", `/api/channels/${id}/messages`, bob.token, {
        content: "once",
        client_id: clientId,
      })
    ),
  );
  assert.deepEqual(attempts.map((a) => a.status), [201, 201, 201]);
  assert.equal(new Set(attempts.map((a) => a.body.data.id)).size, 1);
  const history = await api(chat, "GET", `/api/channels/${id}/messages`, bob.token);
  assert.equal(history.body.data.length, 1);
  assert.equal(history.body.data[0].client_id, clientId);
});

test("history: pages by id and by time, both directions, across buckets, with no gap or duplicate", async () => {
  const { chat, alice, bob } = await env();
  const id = (await named("public")).body.data.id;
  const sent: string[] = [];
  for (let i = 0; i < 9; i++) {
    const res = await api(chat, "POST", `/api/channels/${id}/messages`, alice.token, {
      content: `m${i}`,
    });
    sent.push(res.body.data.id);
    if (i % 3 === 2) await new Promise((r) => setTimeout(r, 1100)); // next one-second bucket
  }
  const path = `/api/channels/${id}/messages`;
  // Backwards with before=<id>.
  const backwards: string[] = [];
  let cursor: string | undefined;
  while (true) {
    const page = await api(
      chat,
      "GET",
      `${path}?limit=2${cursor ? `&before=${cursor}` : ""}`,
      bob.token,
    );
    assert.equal(page.status, 200);
    if (page.body.data.length === 0) break;
    backwards.push(...page.body.data.map((m: { id: string }) => m.id));
    cursor = page.body.data.at(-1).id;
  }
  assert.deepEqual(backwards, [...sent].reverse());
  // Forwards with after=<id>: each page is the oldest newer messages, listed newest first.
  const forwards: string[] = [];
  let after = sent[0];
  forwards.push(after);
  while (true) {
    const page = await api(chat, "GET", `${path}?limit=4&after=${after}`, bob.token);
    if (page.body.data.length === 0) break;
    const ids = page.body.data.map((m: { id: string }) => m.id);
    forwards.push(...[...ids].reverse());
    after = ids[0];
  }
  assert.deepEqual(forwards, sent);
  // By time: before the fourth message's time gives the three before it.
  const all = (await api(chat, "GET", `${path}?limit=100`, bob.token)).body.data;
  const fourth = all.find((m: { id: string }) => m.id === sent[3]);
  const byTime = await api(
    chat,
    "GET",
    `${path}?before=${encodeURIComponent(fourth.timestamp)}`,
    bob.token,
  );
  assert.deepEqual(byTime.body.data.map((m: { id: string }) => m.id), sent.slice(0, 3).reverse());
  const afterTime = await api(
    chat,
    "GET",
    `${path}?limit=2&after=${encodeURIComponent(fourth.timestamp)}`,
    bob.token,
  );
  assert.deepEqual(afterTime.body.data.map((m: { id: string }) => m.id), [sent[5], sent[4]]);
  for (
    const bad of [
      "limit=0",
      "limit=101",
      "before=yesterday",
      "after=123",
      "before=2026-01-01T00:00:00Z&after=2026-01-01T00:00:00Z",
    ]
  ) {
    assert.equal((await api(chat, "GET", `${path}?${bad}`, bob.token)).status, 400, bad);
  }
});

test("health and the OpenAPI document", async () => {
  const { chat } = await env();
  const ready = await api(chat, "GET", "/health/ready", undefined);
  assert.equal(ready.status, 200);
  assert.equal(ready.body.data.cassandra, "ok");
  assert.equal(ready.body.data.redis, "ok", "the shared limits' store is reported");
  const doc = await api(chat, "GET", "/openapi.json", undefined);
  assert.ok(doc.body.paths["/api/channels/{id}/messages"].get);
});
