// deno-lint-ignore-file no-explicit-any -- tests read JSON bodies and frames of many shapes
/**
 * Finding and following conversations (issue 15) over the real deployment: user-service and
 * two chat-service instances on the local infrastructure. Member lists under the visibility
 * rule of every channel route; the sidebar's frames (`channel_added`, `channel_removed`,
 * `channel_created`) reach every socket of a user on the other instance within 1 s, unasked.
 */
import assert from "node:assert/strict";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { socketOpener, TestSocket } from "../support/socket.ts";
import type { RegisteredUser } from "../support/stack.ts";
import { stackFixture } from "../support/stack_fixture.ts";

const env = stackFixture({}, async (stack) => {
  const [alice, bob, carol] = await Promise.all([
    stack.register("alice"),
    stack.register("bob"),
    stack.register("carol"),
  ]);
  const [a, b] = stack.chatUrls;
  return { a, b, alice, bob, carol };
});

const sockets: TestSocket[] = [];
const open = socketOpener(sockets);
Deno.test.afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
});

/** Across instances within 1 s (the bound). */
const LIVE_MS = 1000;

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `conversations: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

async function privateChannel(owner: RegisteredUser, ...members: RegisteredUser[]) {
  const { a } = await env();
  const created = await api(a, "POST", "/api/channels", owner.token, {
    channel_type: "private",
    name: uniqueChannelName("conv"),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id: string = created.body.data.id;
  for (const member of members) {
    const added = await api(a, "POST", `/api/channels/${id}/members`, owner.token, {
      user_id: member.id,
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  }
  return id;
}

test("GET …/members lists a private channel's members with usernames, in join order, paged", async () => {
  const { a, b, alice, bob, carol } = await env();
  const id = await privateChannel(alice, bob, carol);
  const all = await api(b, "GET", `/api/channels/${id}/members`, bob.token);
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.deepEqual(all.body.data, [
    { user_id: alice.id, username: alice.username },
    { user_id: bob.id, username: bob.username },
    { user_id: carol.id, username: carol.username },
  ]);
  const first = await api(a, "GET", `/api/channels/${id}/members?limit=2`, carol.token);
  assert.deepEqual(first.body.data.map((m: any) => m.user_id), [alice.id, bob.id]);
  const next = await api(
    a,
    "GET",
    `/api/channels/${id}/members?limit=2&after=${bob.id}`,
    carol.token,
  );
  assert.deepEqual(next.body.data.map((m: any) => m.user_id), [carol.id]);
  const bad = await api(a, "GET", `/api/channels/${id}/members?after=nope`, carol.token);
  assert.equal(bad.status, 400);
});

test("members of a private channel are invisible to non-members (404, as for no channel)", async () => {
  const { a, alice, bob, carol } = await env();
  const id = await privateChannel(alice, bob);
  const outsider = await api(a, "GET", `/api/channels/${id}/members`, carol.token);
  assert.equal(outsider.status, 404);
  const missing = await api(a, "GET", `/api/channels/${crypto.randomUUID()}/members`, carol.token);
  assert.equal(missing.status, 404);
  assert.deepEqual(outsider.body, missing.body);
  const anonymous = await api(a, "GET", `/api/channels/${id}/members`, undefined);
  assert.equal(anonymous.status, 401);
});

test("a direct channel lists its pair; a public channel has no member list (422)", async () => {
  const { a, alice, bob } = await env();
  const dm = await api(a, "POST", "/api/channels", alice.token, {
    channel_type: "direct",
    participant_id: bob.id,
  });
  const members = await api(a, "GET", `/api/channels/${dm.body.data.id}/members`, bob.token);
  assert.equal(members.status, 200);
  assert.deepEqual(
    members.body.data.map((m: any) => m.username).sort(),
    [alice.username, bob.username].sort(),
  );
  const pub = await api(a, "POST", "/api/channels", alice.token, {
    channel_type: "public",
    name: uniqueChannelName("pub"),
  });
  const none = await api(a, "GET", `/api/channels/${pub.body.data.id}/members`, bob.token);
  assert.equal(none.status, 422);
});

test("after leaving or being removed, the member list is out of reach", async () => {
  const { a, alice, bob, carol } = await env();
  const id = await privateChannel(alice, bob, carol);
  assert.equal(
    (await api(a, "DELETE", `/api/channels/${id}/members/${carol.id}`, alice.token)).status,
    204,
  );
  assert.equal(
    (await api(a, "DELETE", `/api/channels/${id}/members/${bob.id}`, bob.token)).status,
    204,
  );
  assert.equal((await api(a, "GET", `/api/channels/${id}/members`, bob.token)).status, 404);
  assert.equal((await api(a, "GET", `/api/channels/${id}/members`, carol.token)).status, 404);
  const left = await api(a, "GET", `/api/channels/${id}/members`, alice.token);
  assert.deepEqual(left.body.data.map((m: any) => m.user_id), [alice.id]);
});

test("channel_added reaches every socket of an added user on both instances within 1 s", async () => {
  const { a, b, alice, bob } = await env();
  const onB = await open(b, bob);
  const onA = await open(a, bob);
  const id = await privateChannel(alice);
  const started = Date.now();
  const added = await api(a, "POST", `/api/channels/${id}/members`, alice.token, {
    user_id: bob.id,
  });
  assert.equal(added.status, 201);
  for (const socket of [onB, onA]) {
    const frame = await socket.next(
      (f) => f.type === "channel_added" && f.channel.id === id,
      LIVE_MS,
    );
    assert.equal(frame.channel.type, "private");
    assert.deepEqual(frame.channel.members, [alice.id, bob.id]);
  }
  assert.ok(Date.now() - started < LIVE_MS + 200);
});

test("opening a DM sends channel_added to the other user (and the opener's sockets)", async () => {
  const { a, b, bob, carol } = await env();
  const carolOnB = await open(b, carol);
  const bobOnB = await open(b, bob);
  const dm = await api(a, "POST", "/api/channels", bob.token, {
    channel_type: "direct",
    participant_id: carol.id,
  });
  assert.ok(dm.status === 201 || dm.status === 200);
  if (dm.status === 201) {
    for (const socket of [carolOnB, bobOnB]) {
      const frame = await socket.next(
        (f) => f.type === "channel_added" && f.channel.id === dm.body.data.id,
        LIVE_MS,
      );
      assert.equal(frame.channel.type, "direct");
    }
  }
  // Opening it again creates nothing and announces nothing.
  await api(a, "POST", "/api/channels", carol.token, {
    channel_type: "direct",
    participant_id: bob.id,
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(
    carolOnB.frames.filter((f) => f.type === "channel_added" && f.channel.id === dm.body.data.id)
      .length,
    0,
  );
});

test("channel_removed reaches the removed user on the other instance and stops the channel's frames", async () => {
  const { a, b, alice, carol } = await env();
  const id = await privateChannel(alice, carol);
  const socket = await open(b, carol);
  await socket.subscribe(id);
  const removed = await api(a, "DELETE", `/api/channels/${id}/members/${carol.id}`, alice.token);
  assert.equal(removed.status, 204);
  await socket.next((f) => f.type === "channel_removed" && f.channel_id === id, LIVE_MS);
  const sent = await api(a, "POST", `/api/channels/${id}/messages`, alice.token, {
    content: "after carol left",
  });
  assert.equal(sent.status, 201);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(socket.frames.filter((f) => f.type === "new_message").length, 0);
});

test("leaving sends channel_removed to the leaver's other sockets", async () => {
  const { a, b, alice, bob } = await env();
  const id = await privateChannel(alice, bob);
  const other = await open(b, bob);
  assert.equal(
    (await api(a, "DELETE", `/api/channels/${id}/members/${bob.id}`, bob.token)).status,
    204,
  );
  await other.next((f) => f.type === "channel_removed" && f.channel_id === id, LIVE_MS);
});

test("channel_created for a public channel reaches every socket on every instance", async () => {
  const { a, b, alice, carol } = await env();
  const sockets = [await open(b, carol), await open(a, carol), await open(b, alice)];
  const name = uniqueChannelName("pub");
  const created = await api(a, "POST", "/api/channels", alice.token, {
    channel_type: "public",
    name,
  });
  assert.equal(created.status, 201);
  for (const socket of sockets) {
    const frame = await socket.next(
      (f) => f.type === "channel_created" && f.channel.id === created.body.data.id,
      LIVE_MS,
    );
    assert.equal(frame.channel.name, name);
  }
  // A private channel is nobody else's news.
  const secret = await privateChannel(alice);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sockets[0].frames.filter((f) => f.channel?.id === secret).length, 0);
});

const unreadOf = async (base: string, user: RegisteredUser, channelId: string) => {
  const list = await api(base, "GET", "/api/channels?member=me&limit=200", user.token);
  assert.equal(list.status, 200);
  const channel = list.body.data.find((c: any) => c.id === channelId);
  assert.ok(channel !== undefined, "the channel is in the caller's list");
  return channel;
};

const say = async (base: string, user: RegisteredUser, channelId: string, content: string) => {
  const sent = await api(base, "POST", `/api/channels/${channelId}/messages`, user.token, {
    content,
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  return sent.body.data;
};

test("?member=me carries unread_count, last_message and last_read_id; the sender has read their own", async () => {
  const { a, b, alice, bob } = await env();
  const id = await privateChannel(alice, bob);
  await say(a, alice, id, "one");
  await say(a, alice, id, "two");
  const last = await say(a, alice, id, "three is the newest message of this channel");
  const forBob = await unreadOf(b, bob, id);
  assert.equal(forBob.unread_count, 3);
  assert.equal(forBob.last_read_id, null);
  assert.deepEqual(forBob.last_message, {
    id: last.id,
    user_id: alice.id,
    preview: "three is the newest message of this channel",
    timestamp: last.timestamp,
  });
  const forAlice = await unreadOf(b, alice, id);
  assert.equal(forAlice.unread_count, 0);
  assert.equal(forAlice.last_read_id, last.id);
});

test("a read on one device sends `read` to the user's sockets on both instances within 1 s; markers never move back", async () => {
  const { a, b, alice, bob } = await env();
  const id = await privateChannel(alice, bob);
  const sent = [];
  for (let i = 0; i < 4; i++) sent.push(await say(a, alice, id, `m${i}`));
  const phone = await open(b, bob);
  const laptop = await open(a, bob);
  const marked = await api(a, "POST", `/api/channels/${id}/read`, bob.token, {
    message_id: sent[2].id,
  });
  assert.equal(marked.status, 200, JSON.stringify(marked.body));
  assert.deepEqual(marked.body.data, { channel_id: id, unread_count: 1, last_read_id: sent[2].id });
  for (const socket of [phone, laptop]) {
    const frame = await socket.next((f) => f.type === "read" && f.channel_id === id, LIVE_MS);
    assert.deepEqual(frame, {
      type: "read",
      channel_id: id,
      message_id: sent[2].id,
      unread_count: 1,
    });
  }
  // Backwards: the marker stays, and nobody is told anything.
  const back = await api(b, "POST", `/api/channels/${id}/read`, bob.token, {
    message_id: sent[0].id,
  });
  assert.equal(back.status, 200);
  assert.equal(back.body.data.last_read_id, sent[2].id);
  // Over the socket: the last one, heard by the other device.
  laptop.send({ type: "mark_read", channel_id: id, message_id: sent[3].id });
  const frame = await phone.next((f) => f.type === "read" && f.channel_id === id, LIVE_MS);
  assert.equal(frame.message_id, sent[3].id);
  assert.equal(frame.unread_count, 0);
  assert.equal(
    phone.frames.filter((f) => f.type === "read").length,
    0,
    "no read frame for the backward mark",
  );
  assert.equal((await unreadOf(b, bob, id)).unread_count, 0);
});

test("marking needs access and a message of the channel", async () => {
  const { a, alice, bob, carol } = await env();
  const id = await privateChannel(alice, bob);
  const m = await say(a, alice, id, "secret");
  assert.equal(
    (await api(a, "POST", `/api/channels/${id}/read`, carol.token, { message_id: m.id })).status,
    404,
  );
  const other = await privateChannel(alice);
  const elsewhere = await say(a, alice, other, "elsewhere");
  assert.equal(
    (await api(a, "POST", `/api/channels/${id}/read`, bob.token, { message_id: elsewhere.id }))
      .status,
    404,
  );
  assert.equal(
    (await api(a, "POST", `/api/channels/${id}/read`, bob.token, { message_id: "x" })).status,
    422,
  );
});

test("unread counts are exact under concurrent sends, deletes and marks from two devices", async () => {
  const { a, b, alice, bob, carol } = await env();
  const id = await privateChannel(alice, bob, carol);
  const sent = await Promise.all(
    Array.from(
      { length: 24 },
      (_, i) => say(i % 2 === 0 ? a : b, i % 3 === 0 ? carol : alice, id, `c${i}`),
    ),
  );
  assert.equal((await unreadOf(a, bob, id)).unread_count, 24);
  const gone = sent.slice(0, 6);
  await Promise.all(
    gone.map((m, i) =>
      api(
        i % 2 === 0 ? a : b,
        "DELETE",
        `/api/channels/${id}/messages/${m.id}`,
        m.user_id === carol.id ? carol.token : alice.token,
      )
    ),
  );
  assert.equal((await unreadOf(b, bob, id)).unread_count, 18);
  // Two devices mark concurrently, each a different message: the furthest wins.
  const listed = await api(a, "GET", `/api/channels/${id}/messages?limit=100`, bob.token);
  const newestFirst: string[] = listed.body.data.map((m: any) => m.id);
  assert.equal(newestFirst.length, 18);
  await Promise.all(
    newestFirst.slice(0, 10).map((messageId, i) =>
      api(i % 2 === 0 ? a : b, "POST", `/api/channels/${id}/read`, bob.token, {
        message_id: messageId,
      })
    ),
  );
  const after = await unreadOf(a, bob, id);
  assert.equal(after.unread_count, 0);
  assert.equal(after.last_read_id, newestFirst[0]);
});

test("counts stop at 100, shown as 99+", async () => {
  const { a, alice, bob } = await env();
  const id = await privateChannel(alice, bob);
  for (let i = 0; i < 105; i += 15) {
    await Promise.all(Array.from({ length: 15 }, (_, j) => say(a, alice, id, `n${i + j}`)));
  }
  assert.equal((await unreadOf(a, bob, id)).unread_count, 100);
});

test("a new user joins the default public channel: it is among their channels from the start", async () => {
  const { stack, b } = await env();
  const dora = await stack.register("dora");
  const started = Date.now();
  let general: any;
  while (general === undefined && Date.now() - started < 5000) {
    const mine = await api(b, "GET", "/api/channels?member=me", dora.token);
    general = mine.body.data.find((c: any) => c.type === "public" && c.name === "general");
    if (general === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(general !== undefined, "general is in the new user's channels");
  assert.equal(typeof general.unread_count, "number");
  const listed = await api(b, "GET", "/api/channels?limit=200&after=generak", dora.token);
  assert.ok(listed.body.data.some((c: any) => c.id === general.id), "and it is public");
});
