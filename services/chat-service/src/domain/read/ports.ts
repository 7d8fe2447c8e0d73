/** Read markers and the per-channel message index that unread counts are read from. */
import type { ChannelId, MessageId, UserId } from "../ids.ts";

/** Counts stop here: a count of `UNREAD_CAP` means "that many or more" (shown as 99+). */
export const UNREAD_CAP = 100;

export interface LastMessage {
  readonly id: MessageId;
  readonly userId: UserId;
  /** The first characters of its current content. */
  readonly preview: string;
  readonly at: Date;
}

/** One channel's unread state for one user. */
export interface ReadSummary {
  readonly channelId: ChannelId;
  /** Messages after the marker, exact below `UNREAD_CAP`, `UNREAD_CAP` meaning "or more". */
  readonly unreadCount: number;
  readonly lastReadId: MessageId | null;
  readonly lastMessage: LastMessage | null;
}

export interface ReadMarkers {
  /**
   * A stored message joins its channel's index (idempotent per message id), and its author's
   * marker moves to it (forward only): the author has read the channel up to their own message.
   */
  recordMessage(message: LastMessage & { readonly channelId: ChannelId }): Promise<void>;
  /** An edited message's preview. */
  editMessage(channelId: ChannelId, id: MessageId, preview: string): Promise<void>;
  /** A deleted message leaves the index: it no longer counts as unread. */
  forgetMessage(channelId: ChannelId, id: MessageId): Promise<void>;
  /**
   * Moves the user's marker to the message, only forward (a concurrent or older mark changes
   * nothing). `undefined` when the message is not in the channel's index; else the marker now.
   */
  markRead(
    userId: UserId,
    channelId: ChannelId,
    messageId: MessageId,
    at: Date,
  ): Promise<{ readonly moved: boolean; readonly summary: ReadSummary } | undefined>;
  /** The user's state in each channel, in one round trip. */
  summaries(userId: UserId, channelIds: readonly ChannelId[]): Promise<ReadSummary[]>;
}
