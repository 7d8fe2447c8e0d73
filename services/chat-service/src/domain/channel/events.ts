/** What happened to channels; published on the channel's `chat.messages` shard. */
import type { ChannelId, UserId } from "../ids.ts";
import type { Channel, ChannelType } from "./models.ts";

export interface ChannelCreated {
  readonly type: "channel_created";
  readonly eventId: string;
  readonly channel: Channel;
}

/**
 * A channel's creation as every instance hears of it from the event: the
 * channel's identity and kind, not its members (which the event does not carry).
 */
export interface ChannelCreatedNotice {
  readonly type: "channel_created";
  readonly eventId: string;
  readonly channelId: ChannelId;
  readonly channelType: ChannelType;
  readonly createdBy: UserId;
  readonly at: Date;
}
