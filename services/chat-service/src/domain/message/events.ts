/** What happened to messages; published on the channel's `chat.messages` shard, keyed by channel. */
import type { ChannelId, MessageId } from "../ids.ts";
import type { Message, MessageContent } from "./models.ts";
import type { Reaction } from "./reactions.ts";

export type MessageEvent =
  | { readonly type: "message_sent"; readonly eventId: string; readonly message: Message }
  | {
    readonly type: "message_deleted";
    readonly eventId: string;
    readonly messageId: MessageId;
    readonly channelId: ChannelId;
    readonly at: Date;
  }
  | {
    readonly type: "message_edited";
    readonly eventId: string;
    readonly messageId: MessageId;
    readonly channelId: ChannelId;
    readonly content: MessageContent;
    readonly editedAt: Date;
  }
  | {
    readonly type: "reaction_added" | "reaction_removed";
    readonly eventId: string;
    readonly channelId: ChannelId;
    readonly reaction: Reaction;
    readonly at: Date;
  };
