/**
 * Live presence in Redis. Per user (`{<user id>}` is the hash tag, so a user's keys share a
 * cluster slot):
 *
 * - `presence:{u}:conns`    sorted set, connection key → expiry (ms); expired members are dropped
 *                           when the user is looked at;
 * - `presence:{u}:declared` hash, connection key → `online` | `away`;
 * - `presence:{u}`          hash: `status`, `since`, `last_seen` (the decided presence) and
 *                           `active_at`, `seen_at`, `grace_until`;
 * - `presence:due`          sorted set, user id → when to look at the user again.
 *
 * Every key of a user expires a while after its last write, so users who never come back leave
 * nothing behind (their last seen stays in Postgres).
 */
import type { Redis } from "@chat-ts/shared/redis";
import {
  ConnectionKey,
  type DeclaredStatus,
  type LiveConnection,
  type Status,
  UserId,
} from "../../domain/presence/models.ts";
import type { PresenceStore, StoredPresence, UserSnapshot } from "../../domain/presence/ports.ts";

const DUE = "presence:due";
const conns = (u: string) => `presence:{${u}}:conns`;
const declaredKey = (u: string) => `presence:{${u}}:declared`;
const user = (u: string) => `presence:{${u}}`;
/** Connection keys outlive their last refresh by this (they are pruned by expiry score anyway). */
const CONNECTION_KEYS_TTL_S = 3600;
/** A user's presence hash: kept a week after its last write. */
const USER_KEY_TTL_S = 7 * 86_400;

/** Compare-and-set of the decided presence: ARGV expected status, since, last_seen, then next. */
const TRANSITION = `
local h = redis.call('HMGET', KEYS[1], 'status', 'since', 'last_seen')
local status, since, seen = h[1] or '', h[2] or '', h[3] or ''
if status ~= ARGV[1] or since ~= ARGV[2] or seen ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'since', ARGV[5], 'last_seen', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[7])
return 1`;

/** Sets a hash field to ARGV[2] unless it holds a larger number already. */
const MAX_FIELD = `
for i = 1, #ARGV, 2 do
  local held = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '')
  if held == nil or held < tonumber(ARGV[i + 1]) then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`;

const STATUSES: readonly string[] = ["online", "away", "offline"];
const isStatus = (s: string): s is Status => STATUSES.includes(s);
const isDeclared = (s: string): s is DeclaredStatus => s === "online" || s === "away";
const num = (s: string | undefined) => (s === undefined || s === "" ? null : Number(s));

export class RedisPresenceStore implements PresenceStore {
  constructor(private readonly redis: Redis) {}

  #max(userId: string, fields: Record<string, number>) {
    return this.redis.eval(MAX_FIELD, {
      keys: [user(userId)],
      arguments: Object.entries(fields).flatMap(([k, v]) => [k, String(v)]),
    });
  }

  async connect(live: LiveConnection, expiresAt: number, at: number): Promise<void> {
    const { userId, connection, status } = live;
    await this.redis.multi()
      .zAdd(conns(userId), { score: expiresAt, value: connection })
      .hSet(declaredKey(userId), connection, status)
      .expire(conns(userId), CONNECTION_KEYS_TTL_S)
      .expire(declaredKey(userId), CONNECTION_KEYS_TTL_S)
      .expire(user(userId), USER_KEY_TTL_S)
      .exec();
    await this.#max(userId, { active_at: at, seen_at: at });
  }

  async disconnect(
    userId: UserId,
    connection: ConnectionKey,
    graceUntil: number,
    at: number,
  ): Promise<void> {
    await this.redis.multi()
      .zRem(conns(userId), connection)
      .hDel(declaredKey(userId), connection)
      .hSet(user(userId), "grace_until", String(graceUntil))
      .expire(user(userId), USER_KEY_TTL_S)
      .exec();
    await this.#max(userId, { seen_at: at });
  }

  async declare(live: LiveConnection, active: boolean, at: number): Promise<void> {
    const { userId, connection, status } = live;
    // Only a connection the store holds: a late frame after its close must not revive it.
    if ((await this.redis.zScore(conns(userId), connection)) === null) return;
    await this.redis.hSet(declaredKey(userId), connection, status);
    await this.#max(userId, active ? { active_at: at, seen_at: at } : { seen_at: at });
  }

  async refresh(
    connections: readonly LiveConnection[],
    expiresAt: number,
    at: number,
  ): Promise<UserId[]> {
    if (connections.length === 0) return [];
    const multi = this.redis.multi();
    for (const { userId, connection, status } of connections) {
      // ZADD's reply counts members added: a connection the store had lost (restored).
      multi.zAdd(conns(userId), { score: expiresAt, value: connection });
      multi.hSetNX(declaredKey(userId), connection, status);
      multi.expire(conns(userId), CONNECTION_KEYS_TTL_S);
      multi.expire(declaredKey(userId), CONNECTION_KEYS_TTL_S);
    }
    const replies = await multi.exec();
    const restored = new Set<UserId>();
    connections.forEach(({ userId }, i) => {
      if (Number(replies[i * 4]) > 0) restored.add(userId);
    });
    await Promise.all(
      [...new Set(connections.map((c) => c.userId))].map((u) => this.#max(u, { seen_at: at })),
    );
    return [...restored];
  }

  async snapshot(userId: UserId, now: number): Promise<UserSnapshot> {
    const [, live, declared, fields] = await this.redis.multi()
      .zRemRangeByScore(conns(userId), "-inf", now)
      .zRangeWithScores(conns(userId), 0, -1)
      .hGetAll(declaredKey(userId))
      .hGetAll(user(userId))
      .exec();
    const liveList = Array.isArray(live) ? live.filter(isScored) : [];
    const declaredMap = toRecord(declared);
    const f = toRecord(fields);
    const connections = new Map<ConnectionKey, DeclaredStatus>();
    const stale: string[] = Object.keys(declaredMap);
    let earliestExpiry: number | null = null;
    for (const { value, score } of liveList) {
      const status = declaredMap[value];
      connections.set(
        ConnectionKey.parse(value),
        status !== undefined && isDeclared(status) ? status : "online",
      );
      earliestExpiry = Math.min(earliestExpiry ?? score, score);
      stale.splice(stale.indexOf(value), 1);
    }
    if (stale.length > 0) await this.redis.hDel(declaredKey(userId), stale);
    return {
      connections,
      earliestExpiry,
      activeAt: num(f.active_at),
      seenAt: num(f.seen_at),
      graceUntil: num(f.grace_until),
      presence: toStored(f),
    };
  }

  async transition(
    userId: UserId,
    expected: StoredPresence | null,
    next: StoredPresence,
  ): Promise<boolean> {
    const text = (p: StoredPresence | null) =>
      p === null
        ? ["", "", ""]
        : [p.status, String(p.since), p.lastSeen === null ? "" : String(p.lastSeen)];
    const reply = await this.redis.eval(TRANSITION, {
      keys: [user(userId)],
      arguments: [...text(expected), ...text(next), String(USER_KEY_TTL_S)],
    });
    return Number(reply) === 1;
  }

  async schedule(userId: UserId, at: number | null): Promise<void> {
    if (at === null) await this.redis.zRem(DUE, userId);
    else await this.redis.zAdd(DUE, { score: at, value: userId });
  }

  async due(now: number, limit: number): Promise<UserId[]> {
    const members = await this.redis.zRangeByScore(DUE, "-inf", now, {
      LIMIT: { offset: 0, count: limit },
    });
    const ids: UserId[] = [];
    for (const m of members) {
      const id = UserId.parse(String(m));
      if (id.ok) ids.push(id.value);
    }
    return ids;
  }

  async read(userIds: readonly UserId[]): Promise<Map<UserId, StoredPresence>> {
    if (userIds.length === 0) return new Map();
    const multi = this.redis.multi();
    for (const id of userIds) multi.hmGet(user(id), ["status", "since", "last_seen"]);
    const replies = await multi.exec();
    const found = new Map<UserId, StoredPresence>();
    userIds.forEach((id, i) => {
      const reply = replies[i];
      if (!Array.isArray(reply)) return;
      const [status, since, lastSeen] = reply.map((v) => (v === null ? undefined : String(v)));
      const stored = toStored({ status, since, last_seen: lastSeen });
      if (stored !== null) found.set(id, stored);
    });
    return found;
  }
}

function isScored(v: unknown): v is { value: string; score: number } {
  return typeof v === "object" && v !== null && "value" in v && typeof v.value === "string" &&
    "score" in v && typeof v.score === "number";
}

function toRecord(reply: unknown): Record<string, string | undefined> {
  if (reply === null || typeof reply !== "object") return {};
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(reply)) out[k] = v === null ? undefined : String(v);
  return out;
}

function toStored(f: Record<string, string | undefined>): StoredPresence | null {
  const status = f.status;
  const since = num(f.since);
  if (status === undefined || !isStatus(status) || since === null) return null;
  return { status, since, lastSeen: num(f.last_seen) };
}
