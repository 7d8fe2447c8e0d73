/** Channel rules with in-process adapters: fast, no infrastructure. */
import assert from "node:assert/strict";
import { unwrap } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../ids.ts";
import { MemoryChannelRepository } from "../../outbound/memory/channel_repository.ts";
import type { ChannelCreated } from "./events.ts";
import { ChannelName } from "./models.ts";
import { ChannelService } from "./service.ts";
import type { UserLookup } from "../user/ports.ts";

const alice = "00000000-0000-4000-8000-00000000000a" as UserId;
const bob = "00000000-0000-4000-8000-00000000000b" as UserId;
const carol = "00000000-0000-4000-8000-00000000000c" as UserId;
const ghost = "00000000-0000-4000-8000-0000000000ff" as UserId;

const name = (raw: string) => unwrap(ChannelName.parse(raw));

function setup(
  directory: (id: UserId) => UserLookup = (id) =>
    id === ghost ? { status: "not_found" } : { status: "found", username: `user-${id.slice(-1)}` },
) {
  const events: ChannelCreated[] = [];
  const channels = new ChannelService({
    channels: new MemoryChannelRepository(),
    users: { lookup: (id) => Promise.resolve(directory(id)) },
    events: {
      publishChannelCreated: (e) => Promise.resolve(void events.push(e)),
      publishMembership: () => Promise.resolve(),
    },
    clock: { now: () => new Date("2026-01-01T00:00:00Z") },
    ids: {
      newChannelId: () => crypto.randomUUID() as ChannelId,
      newEventId: () => crypto.randomUUID(),
    },
  });
  return { channels, events };
}

Deno.test("channels: names are unique ignoring case across public and private; events only for new channels", async () => {
  const { channels, events } = setup();
  assert.ok(
    (await channels.create(alice, { type: "public", name: name("General"), description: null })).ok,
  );
  const clash = await channels.create(bob, {
    type: "private",
    name: name("general"),
    description: null,
  });
  assert.ok(!clash.ok && clash.error.type === "name_taken");
  const bad = ChannelName.parse("no spaces");
  assert.ok(!bad.ok && bad.error.type === "validation" && bad.error.field === "name");
  assert.equal(events.length, 1);
});

Deno.test("channels: a direct channel is one per unordered pair of distinct, existing users", async () => {
  const { channels, events } = setup();
  const first = await channels.create(alice, { type: "direct", participantId: bob });
  const second = await channels.create(bob, { type: "direct", participantId: alice });
  assert.ok(first.ok && second.ok);
  assert.equal(first.value.created, true);
  assert.equal(second.value.created, false);
  assert.equal(second.value.channel.id, first.value.channel.id);
  assert.equal(events.length, 1);
  const self = await channels.create(alice, { type: "direct", participantId: alice });
  assert.ok(!self.ok && self.error.type === "validation");
  const missing = await channels.create(alice, { type: "direct", participantId: ghost });
  assert.ok(!missing.ok && missing.error.type === "user_not_found");
});

Deno.test("channels: with the user directory down, direct channels answer unavailable instead of guessing", async () => {
  const { channels } = setup(() => ({ status: "unavailable" }));
  const result = await channels.create(alice, { type: "direct", participantId: bob });
  assert.ok(!result.ok && result.error.type === "dependency_unavailable");
});

Deno.test("channels: private channels are visible to members only; members add, the creator removes, members leave", async () => {
  const { channels } = setup();
  const created = await channels.create(alice, {
    type: "private",
    name: name("team"),
    description: null,
  });
  assert.ok(created.ok);
  const id = created.value.channel.id;
  assert.ok(!(await channels.accessible(bob, id)).ok);
  assert.ok((await channels.addMember(alice, id, bob)).ok);
  assert.ok((await channels.accessible(bob, id)).ok);
  assert.ok((await channels.addMember(bob, id, carol)).ok);
  const notCreator = await channels.removeMember(bob, id, carol);
  assert.ok(!notCreator.ok && notCreator.error.type === "not_allowed");
  assert.ok((await channels.removeMember(alice, id, carol)).ok);
  assert.ok((await channels.removeMember(bob, id, bob)).ok);
  const gone = await channels.accessible(bob, id);
  assert.ok(!gone.ok && gone.error.type === "channel_not_found");
  const outsider = await channels.addMember(carol, id, carol);
  assert.ok(!outsider.ok && outsider.error.type === "channel_not_found");
});

Deno.test("channels: the caller's list holds private and direct channels by name, paged with after", async () => {
  const { channels } = setup();
  for (const raw of ["b-team", "a-team", "c-team"]) {
    await channels.create(alice, { type: "private", name: name(raw), description: null });
  }
  await channels.create(alice, { type: "public", name: name("lobby"), description: null });
  await channels.create(alice, { type: "direct", participantId: bob });
  const mine = await channels.list(alice, { memberOnly: true, limit: 10 });
  assert.deepEqual(mine.map((c) => c.type === "direct" ? "direct" : c.name), [
    "a-team",
    "b-team",
    "c-team",
    "direct",
  ]);
  const page = await channels.list(alice, { memberOnly: true, limit: 1, after: "a-team" });
  assert.ok(page.length === 1 && page[0].type === "private" && page[0].name === "b-team");
  const open = await channels.list(bob, { memberOnly: false, limit: 10 });
  assert.ok(open.length === 1);
});
