import assert from "node:assert/strict";
import { ok } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../../domain/ids.ts";
import type { Channel, ChannelName } from "../../domain/channel/models.ts";
import type { ChannelRepository } from "../../domain/channel/ports.ts";
import { CachedChannelRepository } from "./cached_channel_repository.ts";

const alice = "00000000-0000-4000-8000-00000000000a" as UserId;
const channels: Record<string, Channel> = {
  pub: {
    id: "pub" as ChannelId,
    type: "public",
    name: "general" as ChannelName,
    description: null,
    createdBy: alice,
    createdAt: new Date(),
  },
  priv: {
    id: "priv" as ChannelId,
    type: "private",
    name: "secret" as ChannelName,
    description: null,
    createdBy: alice,
    createdAt: new Date(),
    members: [alice],
  },
};

function countingSource() {
  const reads: string[] = [];
  const source: ChannelRepository = {
    findById: (id) => {
      reads.push(id);
      return Promise.resolve(channels[id]);
    },
    createNamed: (c) => Promise.resolve(ok(c)),
    createDirect: (c) => Promise.resolve({ channel: c, created: true }),
    listPublic: () => Promise.resolve([]),
    listForMember: () => Promise.resolve([]),
    memberChannelIds: () => Promise.resolve([]),
    joinPublic: (c) => Promise.resolve({ channel: c, created: true }),
    addMember: () => Promise.resolve(true),
    removeMember: () => Promise.resolve(true),
    eraseUser: () => Promise.resolve([]),
  };
  return { source, reads };
}

Deno.test("channel cache: public channels are read once; private ones every time, so membership changes apply at once", async () => {
  const { source, reads } = countingSource();
  const cached = new CachedChannelRepository(source);
  for (let i = 0; i < 3; i++) {
    assert.equal((await cached.findById("pub" as ChannelId))?.type, "public");
    assert.equal((await cached.findById("priv" as ChannelId))?.type, "private");
  }
  assert.deepEqual(reads, ["pub", "priv", "priv", "priv"]);
  assert.equal(await cached.findById("missing" as ChannelId), undefined);
});

Deno.test("channel cache: holds at most maxEntries public channels", async () => {
  const { source, reads } = countingSource();
  const cached = new CachedChannelRepository(source, 1);
  await cached.createNamed(
    { ...channels.pub, id: "other" as ChannelId } as Channel & { name: ChannelName },
  );
  await cached.findById("pub" as ChannelId); // evicts "other"
  await cached.findById("other" as ChannelId);
  assert.deepEqual(reads, ["pub", "other"]);
});

Deno.test("channel cache: a deleted creator's channels are dropped and never cached again", async () => {
  const { source, reads } = countingSource();
  const cached = new CachedChannelRepository(source);
  await cached.findById("pub" as ChannelId);
  cached.forgetCreatedBy(alice);
  await cached.findById("pub" as ChannelId);
  await cached.findById("pub" as ChannelId);
  assert.deepEqual(
    reads,
    ["pub", "pub", "pub"],
    "read through while the erasure may still be running",
  );
});
