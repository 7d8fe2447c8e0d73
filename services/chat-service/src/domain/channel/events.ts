/** What happened to channels; published on the channel's `chat.messages` shard. */
import type { Channel } from "./models.ts";

export interface ChannelCreated {
  readonly type: "channel_created";
  readonly eventId: string;
  readonly channel: Channel;
}
