/**
 * presence-service's live store: Redis in the real deployment, Maps in the embedded mode. Each
 * case uses fresh user ids, so the cases share one store (and one Redis) without colliding.
 */
import assert from "node:assert/strict";
import { closeRedis, connectRedis } from "@chat-ts/shared/redis";
import { silentLogger } from "@chat-ts/shared/logger";
import {
  ConnectionKey,
  UserId,
} from "../../services/presence-service/src/domain/presence/models.ts";
import type { PresenceStore } from "../../services/presence-service/src/domain/presence/ports.ts";
import { InMemoryPresenceStore } from "../../services/presence-service/src/outbound/memory/presence_store.ts";
import { RedisPresenceStore } from "../../services/presence-service/src/outbound/redis/presence_store.ts";
import { testRedisUrl } from "../support/env.ts";
import { contract, inProcess } from "./support.ts";

const newUser = () => {
  const id = UserId.parse(crypto.randomUUID());
  if (!id.ok) throw new Error("uuid");
  return id.value;
};
const conn = (n: string) => ConnectionKey.of("instance-a", `${crypto.randomUUID()}-${n}`);
const T = 1_800_000_000_000;

contract<PresenceStore>("PresenceStore", [
  inProcess("in-process", () => new InMemoryPresenceStore()),
  {
    name: "redis",
    async open() {
      const redis = await connectRedis({ url: testRedisUrl(), logger: silentLogger });
      return { subject: new RedisPresenceStore(redis), close: () => closeRedis(redis) };
    },
  },
], {
  "a connection is live until its expiry, with its declared status": async (store) => {
    const u = newUser();
    const c = conn("1");
    await store.connect({ userId: u, connection: c, status: "online" }, T + 30_000, T);
    const live = await store.snapshot(u, T + 1);
    assert.deepEqual([...live.connections], [[c, "online"]]);
    assert.equal(live.earliestExpiry, T + 30_000);
    assert.equal(live.activeAt, T);
    assert.equal(live.seenAt, T);
    const expired = await store.snapshot(u, T + 30_000);
    assert.equal(expired.connections.size, 0);
    assert.equal(expired.earliestExpiry, null);
  },
  "closing one of two connections leaves the other; closing the last sets the grace": async (
    store,
  ) => {
    const u = newUser();
    const [a, b] = [conn("a"), conn("b")];
    await store.connect({ userId: u, connection: a, status: "online" }, T + 30_000, T);
    await store.connect({ userId: u, connection: b, status: "away" }, T + 30_000, T);
    await store.disconnect(u, a, T + 5_000, T + 10);
    const one = await store.snapshot(u, T + 20);
    assert.deepEqual([...one.connections], [[b, "away"]]);
    await store.disconnect(u, b, T + 6_000, T + 1_000);
    const none = await store.snapshot(u, T + 1_001);
    assert.equal(none.connections.size, 0);
    assert.equal(none.graceUntil, T + 6_000);
    assert.equal(none.seenAt, T + 1_000);
  },
  "declaring changes a held connection and never revives a closed one": async (store) => {
    const u = newUser();
    const c = conn("1");
    await store.declare({ userId: u, connection: c, status: "online" }, true, T);
    assert.equal((await store.snapshot(u, T)).connections.size, 0);
    await store.connect({ userId: u, connection: c, status: "online" }, T + 30_000, T);
    await store.declare({ userId: u, connection: c, status: "away" }, false, T + 500);
    const away = await store.snapshot(u, T + 600);
    assert.deepEqual([...away.connections], [[c, "away"]]);
    assert.equal(away.activeAt, T, "coming back without doing anything is not activity");
    await store.declare({ userId: u, connection: c, status: "online" }, true, T + 700);
    assert.equal((await store.snapshot(u, T + 800)).activeAt, T + 700);
  },
  "a heartbeat renews connections and reports those it restored": async (store) => {
    const u = newUser();
    const [held, lost] = [conn("held"), conn("lost")];
    await store.connect({ userId: u, connection: held, status: "online" }, T + 30_000, T);
    const restored = await store.refresh(
      [
        { userId: u, connection: held, status: "online" },
        { userId: u, connection: lost, status: "away" },
      ],
      T + 60_000,
      T + 30_000 - 1,
    );
    assert.deepEqual(restored, [u]);
    const later = await store.snapshot(u, T + 45_000);
    assert.equal(later.connections.size, 2);
    assert.equal(later.connections.get(lost), "away");
    assert.equal(later.seenAt, T + 30_000 - 1);
    assert.deepEqual(
      await store.refresh(
        [{ userId: u, connection: held, status: "online" }],
        T + 90_000,
        T + 60_000,
      ),
      [],
    );
  },
  "a transition is compare-and-set": async (store) => {
    const u = newUser();
    const online = { status: "online" as const, since: T, lastSeen: null };
    const offline = { status: "offline" as const, since: T + 1, lastSeen: T + 1 };
    assert.equal(await store.transition(u, null, online), true);
    assert.equal(await store.transition(u, null, offline), false);
    assert.equal(await store.transition(u, online, offline), true);
    assert.deepEqual((await store.snapshot(u, T)).presence, offline);
    assert.deepEqual(await store.read([u, newUser()]), new Map([[u, offline]]));
  },
  "scheduled users come due in time order": async (store) => {
    const [a, b, c] = [newUser(), newUser(), newUser()];
    // Far in the past, so the shared Redis' other entries (later times) do not interleave.
    await store.schedule(a, 2_000);
    await store.schedule(b, 1_000);
    await store.schedule(c, 3_000);
    assert.deepEqual((await store.due(2_500, 1000)).filter((u) => [a, b, c].includes(u)), [b, a]);
    await store.schedule(b, null);
    assert.deepEqual((await store.due(2_500, 1000)).filter((u) => [a, b, c].includes(u)), [a]);
    await store.schedule(a, null);
    await store.schedule(c, null);
  },
});
