/** Channel commands: create, read, list, and manage members, under the access rule of DESIGN §3. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../ids.ts";
import { invalid } from "../validation.ts";
import type { UserDirectory } from "../user/ports.ts";
import { type ChannelError, channelNotFound, nameTaken, rateLimited } from "./errors.ts";
import {
  canAccess,
  type Channel,
  type ChannelDescription,
  type ChannelName,
  type DirectChannel,
  directPair,
  type PrivateChannel,
} from "./models.ts";
import type { ChannelEventPublisher, ChannelRepository, UserLimit } from "./ports.ts";

export type CreateChannel =
  | {
    readonly type: "public" | "private";
    readonly name: ChannelName;
    readonly description: ChannelDescription | null;
  }
  | { readonly type: "direct"; readonly participantId: UserId };

export interface ListChannels {
  readonly memberOnly: boolean;
  readonly limit: number;
  readonly after?: string;
}

/** A member as the member list shows them. */
export interface ChannelMember {
  readonly userId: UserId;
  readonly username: string | null;
}

export interface ChannelServiceDeps {
  readonly channels: ChannelRepository;
  readonly users: UserDirectory;
  readonly events: ChannelEventPublisher;
  readonly clock: { now(): Date };
  readonly ids: { newChannelId(): ChannelId; newEventId(): string };
  /** Public and private channels a user may create (none: no limit). */
  readonly creationLimit?: UserLimit;
}

const unavailable: ChannelError = {
  type: "dependency_unavailable",
  message: "User directory is unavailable; try again shortly",
};

/** The creator of channels the deployment makes itself (the default channel). */
const SYSTEM_USER = "00000000-0000-0000-0000-000000000000" as UserId;

const ONLY_PRIVATE_ADD = "Members can only be added to private channels";
const NO_PUBLIC_MEMBERS = "Public channels are open to everyone and have no member list";
const ONLY_PRIVATE_REMOVE = "Only private channels have members to remove";

export class ChannelService {
  constructor(private readonly deps: ChannelServiceDeps) {}

  async create(
    caller: UserId,
    command: CreateChannel,
  ): Promise<Result<{ channel: Channel; created: boolean }, ChannelError>> {
    const base = {
      id: this.deps.ids.newChannelId(),
      createdBy: caller,
      createdAt: this.deps.clock.now(),
    };
    let result: { channel: Channel; created: boolean };
    switch (command.type) {
      case "public":
      case "private": {
        const allowance = await this.deps.creationLimit?.take(caller);
        if (allowance !== undefined && !allowance.ok) {
          return err(rateLimited("channels created", allowance.retryAfterSeconds));
        }
        const { name, description } = command;
        const channel: Channel = command.type === "public"
          ? { ...base, type: "public", name, description }
          : { ...base, type: "private", name, description, members: [caller] };
        const created = await this.deps.channels.createNamed(channel);
        if (!created.ok) return err(nameTaken);
        result = { channel: created.value, created: true };
        break;
      }
      case "direct": {
        const other = command.participantId;
        if (other === caller) {
          return err(invalid("participant_id", "a direct channel needs another user"));
        }
        const lookup = await this.deps.users.lookup(other);
        if (lookup.status === "unavailable") return err(unavailable);
        if (lookup.status === "not_found") {
          return err({
            type: "user_not_found",
            field: "participant_id",
            message: "participant_id: no such user",
          });
        }
        const channel: DirectChannel = {
          ...base,
          type: "direct",
          members: directPair(caller, other),
        };
        result = await this.deps.channels.createDirect(channel);
        break;
      }
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
    if (result.created) {
      await this.deps.events.publishChannelCreated({
        type: "channel_created",
        eventId: this.deps.ids.newEventId(),
        channel: result.channel,
      });
    }
    return ok(result);
  }

  /**
   * A new user joins the deployment's default public channel (created on first use, by nobody:
   * the nil user id), so their first screen is not empty.
   */
  async joinDefault(userId: UserId, name: ChannelName): Promise<void> {
    const joined = await this.deps.channels.joinPublic({
      id: this.deps.ids.newChannelId(),
      type: "public",
      name,
      description: null,
      createdBy: SYSTEM_USER,
      createdAt: this.deps.clock.now(),
    }, userId);
    if (joined === undefined) return;
    if (joined.created) {
      await this.deps.events.publishChannelCreated({
        type: "channel_created",
        eventId: this.deps.ids.newEventId(),
        channel: joined.channel,
      });
    }
    // Their sockets add it to the sidebar should they be connected already.
    await this.deps.events.publishMembership({
      type: "member_added",
      eventId: this.deps.ids.newEventId(),
      channelId: joined.channel.id,
      userId,
      by: SYSTEM_USER,
      at: this.deps.clock.now(),
    });
  }

  /** A channel as it is now, whoever asks (for frames built on delivery, never for a caller). */
  find(id: ChannelId): Promise<Channel | undefined> {
    return this.deps.channels.findById(id);
  }

  /** The channel when the caller may see it; a 404-shaped error otherwise. */
  async accessible(caller: UserId, id: ChannelId): Promise<Result<Channel, ChannelError>> {
    const channel = await this.deps.channels.findById(id);
    if (channel === undefined || !canAccess(channel, caller)) return err(channelNotFound);
    return ok(channel);
  }

  list(caller: UserId, query: ListChannels): Promise<Channel[]> {
    const page = { limit: query.limit, after: query.after };
    return query.memberOnly
      ? this.deps.channels.listForMember(caller, page)
      : this.deps.channels.listPublic(page);
  }

  /**
   * A page of a private or direct channel's members in the order they joined, with their
   * current usernames (null when no source can answer): those after `after`, at most `limit`.
   */
  async members(
    caller: UserId,
    channelId: ChannelId,
    page: { readonly limit: number; readonly after?: UserId },
  ): Promise<Result<ChannelMember[], ChannelError>> {
    const channel = await this.accessible(caller, channelId);
    if (!channel.ok) return channel;
    if (channel.value.type === "public") {
      return err({ type: "unsupported", field: "channel_id", message: NO_PUBLIC_MEMBERS });
    }
    const all = channel.value.members;
    const start = page.after === undefined ? 0 : all.indexOf(page.after) + 1;
    const ids = all.slice(start, start + page.limit);
    const lookups = await Promise.all(ids.map((id) => this.deps.users.lookup(id)));
    return ok(ids.map((userId, i) => {
      const found = lookups[i];
      return { userId, username: found.status === "found" ? found.username : null };
    }));
  }

  async addMember(
    caller: UserId,
    channelId: ChannelId,
    userId: UserId,
  ): Promise<Result<Channel, ChannelError>> {
    const channel = await this.#privateChannel(caller, channelId, ONLY_PRIVATE_ADD);
    if (!channel.ok) return channel;
    const lookup = await this.deps.users.lookup(userId);
    if (lookup.status === "unavailable") return err(unavailable);
    if (lookup.status === "not_found") {
      return err({ type: "user_not_found", field: "user_id", message: "user_id: no such user" });
    }
    if (await this.deps.channels.addMember(channel.value.id, userId)) {
      await this.deps.events.publishMembership({
        type: "member_added",
        eventId: this.deps.ids.newEventId(),
        channelId: channel.value.id,
        userId,
        by: caller,
        at: this.deps.clock.now(),
      });
    }
    return await this.accessible(caller, channelId);
  }

  async removeMember(
    caller: UserId,
    channelId: ChannelId,
    userId: UserId,
  ): Promise<Result<void, ChannelError>> {
    const channel = await this.#privateChannel(caller, channelId, ONLY_PRIVATE_REMOVE);
    if (!channel.ok) return channel;
    if (userId !== caller && channel.value.createdBy !== caller) {
      return err({
        type: "not_allowed",
        message: "Only the channel's creator can remove other members",
      });
    }
    if (!(await this.deps.channels.removeMember(channel.value.id, userId))) {
      return err({
        type: "member_not_found",
        message: "That user is not a member of this channel",
      });
    }
    await this.deps.events.publishMembership({
      type: "member_removed",
      eventId: this.deps.ids.newEventId(),
      channelId: channel.value.id,
      userId,
      by: caller,
      at: this.deps.clock.now(),
    });
    return ok(undefined);
  }

  /** A private channel the caller may see; `refusal` says why another kind will not do. */
  async #privateChannel(
    caller: UserId,
    channelId: ChannelId,
    refusal: string,
  ): Promise<Result<PrivateChannel, ChannelError>> {
    const channel = await this.accessible(caller, channelId);
    if (!channel.ok) return channel;
    if (channel.value.type !== "private") {
      return err({ type: "unsupported", field: "channel_id", message: refusal });
    }
    return ok(channel.value);
  }
}
