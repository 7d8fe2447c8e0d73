/** What the message domain needs from the outside world. */
import type { ChannelId, MessageId, UserId } from "../ids.ts";
import type { MessageEvent } from "./events.ts";
import type { HistoryCursor, Message, MessageContent } from "./models.ts";
import type { Reaction } from "./reactions.ts";

export interface HistoryQuery {
  readonly channelId: ChannelId;
  readonly limit: number;
  /** The `limit` newest messages older than this. */
  readonly before?: HistoryCursor;
  /** The `limit` oldest messages newer than this. */
  readonly after?: HistoryCursor;
  /** No message is older than this (the channel's creation), so reading can stop there. */
  readonly since: Date;
}

export interface MessageStore {
  /**
   * Stores a message once per (channel, sender, client id): a retried send
   * returns the original message with `created: false`.
   */
  save(message: Message): Promise<{ message: Message; created: boolean }>;
  find(channelId: ChannelId, id: MessageId): Promise<Message | undefined>;
  /** Newest first, with no gap and no duplicate across pages. */
  history(query: HistoryQuery): Promise<Message[]>;
  delete(message: Message): Promise<void>;
  /**
   * Replaces the content of a stored message and sets its `editedAt`. An edit
   * older than the one stored loses (the latest `editedAt` wins on every
   * store). Undefined when the message is gone.
   */
  edit(message: Message, content: MessageContent, editedAt: Date): Promise<Message | undefined>;
  /**
   * Messages of a channel last edited after `since`, as they are now, in the
   * order of their last edit (oldest edit first), at most `limit`.
   */
  editedSince(channelId: ChannelId, since: Date, limit: number): Promise<Message[]>;
  /**
   * Stores one user's reaction with one emoji, at most once: one record per
   * (message, emoji, user), so concurrent reactions never lose a count.
   * True when it was not there before.
   */
  react(message: Message, reaction: Reaction): Promise<boolean>;
  /** True when it was there. */
  unreact(message: Message, reaction: Reaction): Promise<boolean>;
  /** Every reaction to these messages of one channel (each message's stored reactions). */
  reactions(channelId: ChannelId, messageIds: readonly MessageId[]): Promise<Reaction[]>;
  /** Erasure of a deleted user: every message they wrote leaves history. Returns how many. */
  eraseAuthor(userId: UserId): Promise<number>;
}

export interface MessageEventPublisher {
  publish(event: MessageEvent): Promise<void>;
  /**
   * Set by a publisher that records events durably before resolving (the
   * outbox): then its failure fails the command (the caller may retry), and a
   * retried send records its event again, idempotently by event id, in case
   * the first attempt stored the message but could not record it. Unset: a
   * best-effort publisher whose failure is logged, the message staying in
   * history.
   */
  readonly durable?: boolean;
}

/** Time-based message ids (UUID v1) for a given time. */
export interface MessageIdGenerator {
  next(at: Date): MessageId;
}
