import assert from "node:assert/strict";
import { InMemoryLastSeenRepository } from "../../outbound/memory/last_seen_repository.ts";
import { InMemoryPresenceStore } from "../../outbound/memory/presence_store.ts";
import type { PresenceChanged } from "./events.ts";
import { ConnectionKey, UserId } from "./models.ts";
import { PresenceService } from "./service.ts";

const alice = (() => {
  const id = UserId.parse("0b7f6c9e-2d43-4c1a-9a8e-6f1d2e3c4b5a");
  if (!id.ok) throw new Error("uuid");
  return id.value;
})();
const tab = (n: number) => ConnectionKey.of("i1", `c${n}`);

function setUp() {
  let now = 1_800_000_000_000;
  const events: PresenceChanged[] = [];
  const lastSeen = new InMemoryLastSeenRepository();
  const service = new PresenceService({
    store: new InMemoryPresenceStore(),
    lastSeen,
    events: { publish: (e) => Promise.resolve(void events.push(e)) },
    timings: { ttlMs: 30_000, graceMs: 5_000, awayAfterMs: 60_000 },
    clock: { now: () => new Date(now) },
    newEventId: () => crypto.randomUUID(),
  });
  const at = () => new Date(now);
  const advance = async (ms: number) => {
    now += ms;
    await service.sweep();
  };
  const statuses = () => events.map((e) => e.presence.status);
  /** Alice opens tab `n`, declaring `status`, now. */
  const connect = (n: number, status: "online" | "away" = "online") =>
    service.report({ type: "connected", userId: alice, connection: tab(n), status, at: at() });
  return { service, events, lastSeen, at, advance, statuses, connect };
}

Deno.test("presence: online on connect, away when idle, offline after the grace with last seen", async () => {
  const { service, events, lastSeen, at, advance, statuses, connect } = setUp();
  await connect(1);
  assert.deepEqual(statuses(), ["online"]);
  const beat = () =>
    service.report({
      type: "heartbeat",
      connections: [{ userId: alice, connection: tab(1), status: "online" }],
      at: at(),
    });
  await advance(25_000);
  await beat();
  await advance(25_000);
  await beat();
  await advance(9_999);
  assert.deepEqual(statuses(), ["online"]);
  await advance(1);
  assert.deepEqual(statuses(), ["online", "away"], "idle for awayAfter");
  await service.report({
    type: "status_set",
    userId: alice,
    connection: tab(1),
    status: "online",
    active: true,
    at: at(),
  });
  assert.deepEqual(statuses(), ["online", "away", "online"]);
  const closedAt = at();
  await service.report({ type: "disconnected", userId: alice, connection: tab(1), at: closedAt });
  await advance(4_999);
  assert.equal(statuses().length, 3, "still online during the grace");
  await advance(1);
  assert.deepEqual(statuses(), ["online", "away", "online", "offline"]);
  const offline = events[3].presence;
  assert.equal(offline.status, "offline");
  assert.deepEqual(offline.lastSeen, closedAt);
  assert.deepEqual((await lastSeen.read([alice])).get(alice), closedAt);
  assert.deepEqual((await service.read([alice])).get(alice)?.lastSeen, closedAt);
});

Deno.test("presence: two tabs, one closed, stays online; a reload within the grace changes nothing", async () => {
  const { service, at, advance, statuses, connect } = setUp();
  await connect(1);
  await connect(2);
  await service.report({ type: "disconnected", userId: alice, connection: tab(1), at: at() });
  await advance(10_000);
  assert.deepEqual(statuses(), ["online"]);
  await service.report({ type: "disconnected", userId: alice, connection: tab(2), at: at() });
  await advance(2_000);
  await connect(3);
  await advance(10_000);
  assert.deepEqual(statuses(), ["online"]);
});

Deno.test("presence: away only when every connection is away", async () => {
  const { service, at, statuses, connect } = setUp();
  await connect(1);
  await connect(2, "away");
  assert.deepEqual(statuses(), ["online"]);
  await service.report({
    type: "status_set",
    userId: alice,
    connection: tab(1),
    status: "away",
    active: false,
    at: at(),
  });
  assert.deepEqual(statuses(), ["online", "away"]);
});

Deno.test("presence: a crashed instance's users go offline once its heartbeats stop for the TTL", async () => {
  const { service, events, at, advance, statuses, connect } = setUp();
  await connect(1);
  await advance(10_000);
  const lastHeartbeat = at();
  await service.report({
    type: "heartbeat",
    connections: [{ userId: alice, connection: tab(1), status: "online" }],
    at: lastHeartbeat,
  });
  await advance(29_999);
  assert.deepEqual(statuses(), ["online"]);
  await advance(1);
  assert.deepEqual(statuses(), ["online", "offline"]);
  assert.deepEqual(events[1].presence.lastSeen, lastHeartbeat);
});

Deno.test("presence: a heartbeat restores connections a store lost (Redis restarted)", async () => {
  const { service, at, statuses } = setUp();
  await service.report({
    type: "heartbeat",
    connections: [{ userId: alice, connection: tab(1), status: "online" }],
    at: at(),
  });
  assert.deepEqual(statuses(), ["online"]);
});

Deno.test("presence: users never seen read as offline without last seen", async () => {
  const { service } = setUp();
  assert.deepEqual((await service.read([alice])).get(alice)?.lastSeen, null);
  assert.equal((await service.read([alice])).get(alice)?.status, "offline");
});
