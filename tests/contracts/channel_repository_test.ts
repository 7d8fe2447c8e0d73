/** The channel repository port: in memory, on PGlite (embedded mode) and on real Postgres. */
import assert from "node:assert/strict";
import { err, ok } from "@chat-ts/shared/result";
import {
  type Channel,
  type ChannelDescription,
  type ChannelName,
  type DirectChannel,
  directPair,
  type PrivateChannel,
  type PublicChannel,
} from "../../services/chat-service/src/domain/channel/models.ts";
import type { ChannelRepository } from "../../services/chat-service/src/domain/channel/ports.ts";
import type { ChannelId, UserId } from "../../services/chat-service/src/domain/ids.ts";
import { MemoryChannelRepository } from "../../services/chat-service/src/outbound/memory/channel_repository.ts";
import { PostgresChannelRepository } from "../../services/chat-service/src/outbound/postgres/channel_repository.ts";
import { uniqueChannelName } from "../support/names.ts";
import { contract, inMemoryAndPostgres } from "./support.ts";

const newUserId = () => crypto.randomUUID() as UserId;
// Whole seconds: Postgres and JS agree on them.
const now = () => new Date(Math.floor(Date.now() / 1000) * 1000);

function publicChannel(name = uniqueChannelName("c"), createdBy = newUserId()): PublicChannel {
  return {
    id: crypto.randomUUID() as ChannelId,
    type: "public",
    name: name as ChannelName,
    description: "a place to talk" as ChannelDescription,
    createdBy,
    createdAt: now(),
  };
}

function privateChannel(createdBy = newUserId()): PrivateChannel {
  return { ...publicChannel(undefined, createdBy), type: "private", members: [createdBy] };
}

function directChannel(a: UserId, b: UserId): DirectChannel {
  return {
    id: crypto.randomUUID() as ChannelId,
    type: "direct",
    members: directPair(a, b),
    createdBy: a,
    createdAt: now(),
  };
}

const repositories = inMemoryAndPostgres<ChannelRepository>(
  MemoryChannelRepository,
  PostgresChannelRepository,
  "chat",
);

contract("channel repository", repositories, {
  "a created channel is found as it was created; an unknown id is not": async (repo) => {
    const channel = publicChannel();
    assert.deepEqual(await repo.createNamed(channel), ok(channel));
    assert.deepEqual(await repo.findById(channel.id), channel);
    const secret = privateChannel();
    await repo.createNamed(secret);
    assert.deepEqual(await repo.findById(secret.id), secret);
    assert.equal(await repo.findById(crypto.randomUUID() as ChannelId), undefined);
  },
  "names are unique across public and private channels, ignoring case": async (repo) => {
    const first = publicChannel();
    await repo.createNamed(first);
    const clash = { ...privateChannel(), name: first.name.toUpperCase() as ChannelName };
    assert.deepEqual(await repo.createNamed(clash), err("name_taken"));
    assert.equal(await repo.findById(clash.id), undefined);
  },
  "public channels list by name, case-insensitively, paged with after": async (repo) => {
    const prefix = uniqueChannelName("p");
    const names = ["b", "A", "c"].map((s) => `${prefix}-${s}`);
    for (const name of names) await repo.createNamed(publicChannel(name));
    await repo.createNamed({ ...privateChannel(), name: `${prefix}-b2` as ChannelName });
    const firstPage = await repo.listPublic({ limit: 2, after: prefix });
    assert.deepEqual(firstPage.map(nameOf), [`${prefix}-A`, `${prefix}-b`]);
    const next = await repo.listPublic({ limit: 1, after: `${prefix}-b` });
    assert.deepEqual(next.map(nameOf), [`${prefix}-c`], "private channels are not listed");
  },
  "a direct channel is created once per unordered pair": async (repo) => {
    const [a, b] = [newUserId(), newUserId()];
    const first = directChannel(a, b);
    assert.deepEqual(await repo.createDirect(first), { channel: first, created: true });
    const again = await repo.createDirect(directChannel(b, a));
    assert.deepEqual(again, { channel: first, created: false });
  },
  "membership: add and remove report whether anything changed; member lists follow": async (
    repo,
  ) => {
    const owner = newUserId();
    const guest = newUserId();
    const channel = privateChannel(owner);
    await repo.createNamed(channel);
    assert.equal(await repo.addMember(channel.id, guest), true);
    assert.equal(await repo.addMember(channel.id, guest), false);
    const listed = await repo.listForMember(guest, { limit: 10 });
    assert.deepEqual(listed.map((c) => c.id), [channel.id]);
    assert.deepEqual(await repo.memberChannelIds(guest), [channel.id]);
    const found = await repo.findById(channel.id);
    assert.deepEqual(found?.type === "private" ? found.members : [], [owner, guest]);
    assert.equal(await repo.removeMember(channel.id, guest), true);
    assert.equal(await repo.removeMember(channel.id, guest), false);
    assert.deepEqual(await repo.listForMember(guest, { limit: 10 }), []);
    assert.deepEqual(await repo.memberChannelIds(guest), []);
  },
  "joinPublic creates the default channel once and lists it among each joiner's channels": async (
    repo,
  ) => {
    const name = uniqueChannelName("general");
    const [first, second] = [newUserId(), newUserId()];
    const created = await repo.joinPublic(publicChannel(name), first);
    assert.equal(created?.created, true);
    const again = await repo.joinPublic(publicChannel(name.toUpperCase()), second);
    assert.equal(again?.created, false);
    assert.equal(again?.channel.id, created?.channel.id);
    for (const user of [first, second]) {
      const mine = await repo.listForMember(user, { limit: 10 });
      assert.deepEqual(mine.map((c) => [c.id, c.type]), [[created?.channel.id, "public"]]);
      assert.deepEqual(await repo.memberChannelIds(user), [], "presence skips public channels");
    }
    assert.deepEqual(await repo.listForMember(newUserId(), { limit: 10 }), []);
    // A private channel of that name is nobody's default.
    const taken = privateChannel();
    await repo.createNamed(taken);
    assert.equal(await repo.joinPublic(publicChannel(taken.name), second), undefined);
  },
  "a private channel whose last member leaves is gone, and its name is free again": async (
    repo,
  ) => {
    const owner = newUserId();
    const channel = privateChannel(owner);
    await repo.createNamed(channel);
    assert.equal(await repo.removeMember(channel.id, owner), true);
    assert.equal(await repo.findById(channel.id), undefined);
    const again = privateChannel(newUserId());
    const reused = await repo.createNamed({ ...again, name: channel.name });
    assert.ok(reused.ok, "the name is free");
  },
  "a member's list holds named channels by name, then direct ones": async (repo) => {
    const me = newUserId();
    const direct = directChannel(me, newUserId());
    await repo.createDirect(direct);
    const named = privateChannel(me);
    await repo.createNamed(named);
    const listed = await repo.listForMember(me, { limit: 10 });
    assert.deepEqual(listed.map((c) => c.id), [named.id, direct.id]);
  },
  "erasing a user removes the channels they created, their direct channels and memberships": async (
    repo,
  ) => {
    const leaving = newUserId();
    const staying = newUserId();
    const theirs = publicChannel(undefined, leaving);
    const direct = directChannel(staying, leaving);
    const others = privateChannel(staying);
    await repo.createNamed(theirs);
    await repo.createDirect(direct);
    await repo.createNamed(others);
    await repo.addMember(others.id, leaving);
    const removed = await repo.eraseUser(leaving);
    assert.deepEqual([...removed].sort(), [theirs.id, direct.id].sort());
    assert.equal(await repo.findById(theirs.id), undefined);
    assert.equal(await repo.findById(direct.id), undefined);
    const kept = await repo.findById(others.id);
    assert.deepEqual(kept?.type === "private" ? kept.members : [], [staying]);
  },
});

function nameOf(channel: Channel): string | undefined {
  return channel.type === "direct" ? undefined : channel.name;
}
