/** Messages: what was said, by whom, in which channel, when. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { ChannelId, MessageId, UserId } from "../ids.ts";
import { invalid, storable, type ValidationError } from "../validation.ts";
import type { ReactionSummary } from "./reactions.ts";

export type MessageContent = string & { readonly __brand: "MessageContent" };
export type ClientId = string & { readonly __brand: "ClientId" };

export const CONTENT_MAX_LENGTH = 4000;
export const CONTENT_RULE = `must be 1–${CONTENT_MAX_LENGTH} characters after trimming`;
export const CLIENT_ID_MAX_LENGTH = 100;

export const MessageContent = {
  parse(raw: string): Result<MessageContent, ValidationError> {
    const unstorable = storable("content", raw);
    if (unstorable !== undefined) return err(unstorable);
    const content = raw.trim();
    const length = [...content].length;
    return length >= 1 && length <= CONTENT_MAX_LENGTH
      ? ok(content as MessageContent)
      : err(invalid("content", CONTENT_RULE));
  },
};

export const ClientId = {
  parse(raw: string): Result<ClientId, ValidationError> {
    const unstorable = storable("client_id", raw);
    if (unstorable !== undefined) return err(unstorable);
    const length = [...raw].length;
    return length >= 1 && length <= CLIENT_ID_MAX_LENGTH
      ? ok(raw as ClientId)
      : err(invalid("client_id", `must be 1–${CLIENT_ID_MAX_LENGTH} characters`));
  },
};

export interface Message {
  readonly id: MessageId;
  readonly channelId: ChannelId;
  readonly userId: UserId;
  readonly content: MessageContent;
  /** Millisecond precision; the time inside `id`. */
  readonly timestamp: Date;
  readonly clientId?: ClientId;
  /** When the author last changed the content; absent until then. */
  readonly editedAt?: Date;
  /** The message of the same channel this one answers. */
  readonly replyTo?: MessageId;
  /**
   * Users named with `@username` who may read the channel, resolved when it
   * was sent (an edit keeps them); absent when it mentions nobody.
   */
  readonly mentions?: readonly UserId[];
}

/** How a reply shows what it answers: its author and the start of its text, or that it is gone. */
export type Quote =
  | {
    readonly id: MessageId;
    readonly deleted: false;
    readonly userId: UserId;
    readonly username: string | null;
    readonly preview: string;
  }
  | { readonly id: MessageId; readonly deleted: true };

/** Code points of the original a quote shows. */
export const PREVIEW_LENGTH = 120;

/** A message's content as its author last edited it. */
export interface MessageEdit {
  readonly messageId: MessageId;
  readonly channelId: ChannelId;
  readonly content: MessageContent;
  readonly editedAt: Date;
}

/** A message as readers see it: with the sender's current username, or null when unknown. */
export interface MessageView extends Message {
  readonly username: string | null;
  /** Per emoji, as the reader sees them (`me`); empty for a message just sent. */
  readonly reactions: readonly ReactionSummary[];
  /** What it answers, when it is a reply. */
  readonly quote: Quote | null;
}

/** Where a history page starts: after or before a message, or a point in time. */
export type HistoryCursor =
  | { readonly kind: "message"; readonly id: MessageId }
  | { readonly kind: "time"; readonly at: Date };
