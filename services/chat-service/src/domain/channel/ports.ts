/** What the channel domain needs from the outside world. */
import type { Result } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../ids.ts";
import type { ChannelCreated, MembershipEvent } from "./events.ts";
import type { Channel, ChannelName, DirectChannel, PublicChannel } from "./models.ts";

export interface ChannelPage {
  readonly limit: number;
  /** Channels whose name sorts after this one (case-insensitive). */
  readonly after?: string;
}

export interface ChannelRepository {
  findById(id: ChannelId): Promise<Channel | undefined>;
  /** Public or private; names are unique ignoring case across both. */
  createNamed(channel: Channel & { name: ChannelName }): Promise<Result<Channel, "name_taken">>;
  /** The pair's existing channel when there is one, else `channel` (created now). */
  createDirect(channel: DirectChannel): Promise<{ channel: DirectChannel; created: boolean }>;
  listPublic(page: ChannelPage): Promise<Channel[]>;
  /** Every channel the user belongs to: private and direct ones, and public ones they joined. */
  listForMember(userId: UserId, page: ChannelPage): Promise<Channel[]>;
  /**
   * The ids of the private and direct channels the user belongs to (at most 1000), for presence
   * fan-out: no rows, no member lists, no public channel (joined ones like the default channel
   * would send each change to everyone).
   */
  memberChannelIds(userId: UserId): Promise<ChannelId[]>;
  /**
   * The deployment's default public channel: `channel` is created unless a public channel of
   * its name exists, and the user joins it (it is then among their channels). The channel and
   * whether it was created now; undefined when the name belongs to a private channel.
   */
  joinPublic(
    channel: PublicChannel,
    userId: UserId,
  ): Promise<{ channel: PublicChannel; created: boolean } | undefined>;
  /** False when the user already was a member. */
  addMember(channelId: ChannelId, userId: UserId): Promise<boolean>;
  /**
   * False when the user was not a member. A private channel left without members goes with
   * its last member, so its name is free again (nobody could ever reach it).
   */
  removeMember(channelId: ChannelId, userId: UserId): Promise<boolean>;
  /**
   * Erasure of a deleted user: their memberships and the channels they
   * created (direct ones included) go. Returns the removed channels' ids.
   */
  eraseUser(userId: UserId): Promise<ChannelId[]>;
}

export interface ChannelEventPublisher {
  publishChannelCreated(event: ChannelCreated): Promise<void>;
  /** Someone joined or left a private channel (their sidebars follow, on every instance). */
  publishMembership(event: MembershipEvent): Promise<void>;
}

/** Whether a user may act now, or how long to wait (a per-user limit; see config). */
export type Allowance =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterSeconds: number };

/** A per-user budget of some action (channel creation, sending). */
export interface UserLimit {
  take(userId: UserId): Promise<Allowance>;
}
