/** What happens to read markers; published on the channel's `chat.messages` shard. */
import type { ChannelId, MessageId, UserId } from "../ids.ts";

/** A marker moved: every socket of the user hears it (a `read` frame), on every instance. */
export interface ReadMarked {
  readonly type: "read_marked";
  readonly eventId: string;
  readonly channelId: ChannelId;
  readonly userId: UserId;
  readonly messageId: MessageId;
  readonly unreadCount: number;
  readonly at: Date;
}
