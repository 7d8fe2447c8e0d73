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
  /** A private channel's first members, a direct channel's pair; empty for a public one. */
  readonly members: readonly UserId[];
}

/** A user joined a private channel (`by`: the member who added them). */
export interface MemberAdded {
  readonly type: "member_added";
  readonly eventId: string;
  readonly channelId: ChannelId;
  readonly userId: UserId;
  readonly by: UserId;
  readonly at: Date;
}

/** A user left a private channel (`by` is themselves) or its creator removed them. */
export interface MemberRemoved {
  readonly type: "member_removed";
  readonly eventId: string;
  readonly channelId: ChannelId;
  readonly userId: UserId;
  readonly by: UserId;
  readonly at: Date;
}

export type MembershipEvent = MemberAdded | MemberRemoved;

/** Channel events as every instance hears them. */
export type ChannelEventReceived = ChannelCreatedNotice | MembershipEvent;
