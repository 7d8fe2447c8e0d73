/**
 * Presence as chat-service sees it: presence-service decides it; chat-service reports its
 * WebSocket connections and delivers the changes and typing notices to its sockets.
 */
import type { ChannelId, UserId } from "../ids.ts";

export type PresenceStatus = "online" | "away" | "offline";
/** What a client declares for one connection (`set_status`). */
export type DeclaredStatus = "online" | "away";

export interface PresenceChange {
  readonly userId: UserId;
  readonly status: PresenceStatus;
  /** When offline: when the user was last connected (null: never); null otherwise. */
  readonly lastSeen: Date | null;
}

/** "Alice is typing…" in a channel: forwarded between instances, never stored. */
export interface TypingNotice {
  readonly eventId: string;
  readonly channelId: ChannelId;
  readonly userId: UserId;
  readonly username: string | null;
  readonly at: Date;
}

/** One of this instance's WebSocket connections, as reported to presence-service. */
export interface ReportedConnection {
  readonly connectionId: string;
  readonly userId: UserId;
  readonly status: DeclaredStatus;
}
