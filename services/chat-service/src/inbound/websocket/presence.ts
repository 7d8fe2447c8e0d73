/**
 * Presence and typing at this instance's WebSocket edge: reports each connection's lifecycle
 * (opened, closed, `set_status`, activity, a heartbeat of every open connection), forwards
 * `typing` (members only, at most one per user and channel per `typingIntervalMs`, more dropped
 * quietly), and delivers presence changes and typing notices to the sockets that should see them.
 */
import type { Logger } from "@chat-ts/shared/logger";
import type { ChannelRepository } from "../../domain/channel/ports.ts";
import type { ChannelService } from "../../domain/channel/service.ts";
import type { ChannelId, UserId } from "../../domain/ids.ts";
import type {
  DeclaredStatus,
  PresenceChange,
  ReportedConnection,
  TypingNotice,
} from "../../domain/presence/models.ts";
import type { ConnectionReports, TypingNotices } from "../../domain/presence/ports.ts";
import { frames } from "./frames.ts";
import type { Hub, Subscriber } from "./hub.ts";

/** What presence needs of one connection. */
export interface PresenceConnection extends Subscriber {
  readonly connectionId: string;
  readonly userId: UserId;
  readonly username: string;
  status: DeclaredStatus;
}

export interface LivePresenceDeps {
  readonly hub: Hub;
  readonly channels: ChannelService;
  /** For the channels a user belongs to (cached). */
  readonly memberships: ChannelRepository;
  readonly reports: ConnectionReports;
  readonly typing: TypingNotices;
  readonly logger: Logger;
  readonly heartbeatMs: number;
  readonly typingIntervalMs?: number;
  /** Activity is reported at most this often per connection. */
  readonly activityIntervalMs?: number;
  /** How long a user's channel ids are reused for presence fan-out (default 30 s). */
  readonly membershipCacheMs?: number;
}

/** Users whose channel ids are held at once; the oldest go first. */
const MEMBERSHIP_CACHE_SIZE = 50_000;

export class LivePresence {
  readonly #connections = new Set<PresenceConnection>();
  /** `<user>:<channel>` → when a typing notice was last forwarded. */
  readonly #typedAt = new Map<string, number>();
  readonly #activeAt = new WeakMap<PresenceConnection, number>();
  /**
   * Each changed user's channel ids, reused for `membershipCacheMs`: every change of every user
   * reaches every instance, and asking Postgres each time capped presence near a few hundred
   * changes/s (bench/presence.ts). A membership change shows within that time; presence is
   * readable by any user (docs/presence.md), so a stale entry reveals nothing.
   */
  readonly #channelsOf = new Map<UserId, { ids: readonly ChannelId[]; until: number }>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: LivePresenceDeps) {}

  start(): void {
    this.#timer ??= setInterval(() => this.#heartbeat(), this.deps.heartbeatMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.deps.reports.flush();
  }

  opened(connection: PresenceConnection): void {
    this.#connections.add(connection);
    this.#activeAt.set(connection, performance.now());
    this.deps.reports.opened(reported(connection), new Date());
  }

  closed(connection: PresenceConnection): void {
    if (!this.#connections.delete(connection)) return;
    this.deps.reports.closed(reported(connection), new Date());
  }

  setStatus(connection: PresenceConnection, status: DeclaredStatus): void {
    connection.status = status;
    if (status === "online") this.#activeAt.set(connection, performance.now());
    this.deps.reports.statusSet(reported(connection), status === "online", new Date());
  }

  /** The user did something on this connection (sent a message, typed). */
  active(connection: PresenceConnection): void {
    const now = performance.now();
    const last = this.#activeAt.get(connection) ?? -Infinity;
    if (connection.status === "online" && now - last < (this.deps.activityIntervalMs ?? 30_000)) {
      return;
    }
    this.#activeAt.set(connection, now);
    connection.status = "online";
    this.deps.reports.statusSet(reported(connection), true, new Date());
  }

  /** Forwards a typing notice when the user may read the channel and has not just typed there. */
  async typing(connection: PresenceConnection, channelId: ChannelId): Promise<void> {
    const key = `${connection.userId}:${channelId}`;
    const now = performance.now();
    const interval = this.deps.typingIntervalMs ?? 2000;
    if (now - (this.#typedAt.get(key) ?? -Infinity) < interval) return;
    this.#typedAt.set(key, now);
    if (this.#typedAt.size > 10_000) this.#forgetTypingBefore(now - interval);
    const channel = await this.deps.channels.accessible(connection.userId, channelId);
    if (!channel.ok) return; // not a member: dropped quietly, like the rate limit
    this.active(connection);
    await this.deps.typing.publish({
      eventId: crypto.randomUUID(),
      channelId: channel.value.id,
      userId: connection.userId,
      username: connection.username,
      at: new Date(),
    });
  }

  /** Typing reaches the channel's subscribers on this instance, never the typing user's sockets. */
  deliverTyping(notice: TypingNotice): void {
    const subscribers = this.deps.hub.subscribersOf(notice.channelId);
    if (subscribers.size === 0) return;
    const text = JSON.stringify(frames.typing(notice));
    for (const s of subscribers) if (s.userId !== notice.userId) s.notify(text);
  }

  /**
   * A change reaches each socket of this instance subscribed to a private or direct channel the
   * user belongs to, once however many such channels it shares.
   */
  async deliverPresence(change: PresenceChange): Promise<void> {
    if (this.#connections.size === 0) return;
    const reached = new Set<Subscriber>();
    for (const id of await this.#memberChannelIds(change.userId)) {
      for (const s of this.deps.hub.subscribersOf(id)) reached.add(s);
    }
    if (reached.size === 0) return;
    const text = JSON.stringify(frames.presence(change));
    for (const s of reached) s.notify(text);
  }

  async #memberChannelIds(userId: UserId): Promise<readonly ChannelId[]> {
    const now = performance.now();
    const held = this.#channelsOf.get(userId);
    if (held !== undefined && held.until > now) return held.ids;
    const ids = await this.deps.memberships.memberChannelIds(userId);
    this.#channelsOf.delete(userId);
    this.#channelsOf.set(userId, { ids, until: now + (this.deps.membershipCacheMs ?? 30_000) });
    if (this.#channelsOf.size > MEMBERSHIP_CACHE_SIZE) {
      this.#channelsOf.delete(this.#channelsOf.keys().next().value as UserId);
    }
    return ids;
  }

  #heartbeat(): void {
    if (this.#connections.size === 0) return;
    this.deps.reports.heartbeat([...this.#connections].map(reported), new Date());
  }

  #forgetTypingBefore(cutoff: number): void {
    for (const [key, at] of this.#typedAt) if (at < cutoff) this.#typedAt.delete(key);
  }
}

const reported = (c: PresenceConnection): ReportedConnection => ({
  connectionId: c.connectionId,
  userId: c.userId,
  status: c.status,
});
