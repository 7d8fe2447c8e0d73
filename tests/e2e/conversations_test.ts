// deno-lint-ignore-file no-explicit-any -- tests read JSON bodies and frames of many shapes
/**
 * Finding and following conversations (issue 15) over the real deployment: user-service and
 * two chat-service instances on the local infrastructure. Member lists under the visibility
 * rule of every channel route.
 */
import assert from "node:assert/strict";
import { fixture } from "../support/fixture.ts";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { type RegisteredUser, startStack } from "../support/stack.ts";

const env = fixture(async () => {
  const stack = await startStack({});
  try {
    const [alice, bob, carol] = await Promise.all([
      stack.register("alice"),
      stack.register("bob"),
      stack.register("carol"),
    ]);
    const [a, b] = stack.chatUrls;
    return { stack, a, b, alice, bob, carol };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}, ({ stack }) => stack.stop());

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
