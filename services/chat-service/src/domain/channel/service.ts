/** Channel commands: create, read, list, and manage members, under the access rule of DESIGN §3. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import { ChannelId, UserId } from "../ids.ts";
import type { UserDirectory } from "../user/ports.ts";
import { type ChannelError, channelNotFound, nameTaken } from "./errors.ts";
import {
  canAccess,
  type Channel,
  ChannelName,
  DESCRIPTION_MAX_LENGTH,
  type DirectChannel,
  directPair,
} from "./models.ts";
import type { ChannelEventPublisher, ChannelRepository } from "./ports.ts";

export type CreateChannel =
  | { readonly type: "public" | "private"; readonly name: string; readonly description?: string }
  | { readonly type: "direct"; readonly participantId: string };

export interface ListChannels {
  readonly memberOnly: boolean;
  readonly limit: number;
  readonly after?: string;
}

export interface ChannelServiceDeps {
  readonly channels: ChannelRepository;
  readonly users: UserDirectory;
  readonly events: ChannelEventPublisher;
  readonly clock: { now(): Date };
  readonly ids: { newId(): string };
}

const unavailable: ChannelError = {
  type: "dependency_unavailable",
  message: "User directory is unavailable; try again shortly",
};

export class ChannelService {
  constructor(private readonly deps: ChannelServiceDeps) {}

  async create(
    rawCallerId: string,
    command: CreateChannel,
  ): Promise<Result<{ channel: Channel; created: boolean }, ChannelError>> {
    const caller = UserId.parse(rawCallerId);
    if (!caller.ok) return caller;
    const base = {
      id: this.deps.ids.newId() as ChannelId,
      createdBy: caller.value,
      createdAt: this.deps.clock.now(),
    };
    let result: { channel: Channel; created: boolean };
    switch (command.type) {
      case "public":
      case "private": {
        const name = ChannelName.parse(command.name);
        if (!name.ok) return name;
        const description = command.description?.trim() || null;
        if (description !== null && description.length > DESCRIPTION_MAX_LENGTH) {
          return err({
            type: "validation",
            field: "description",
            message: `description: must be at most ${DESCRIPTION_MAX_LENGTH} characters`,
          });
        }
        const channel: Channel = command.type === "public"
          ? { ...base, type: "public", name: name.value, description }
          : { ...base, type: "private", name: name.value, description, members: [caller.value] };
        const created = await this.deps.channels.createNamed(channel);
        if (!created.ok) return err(nameTaken);
        result = { channel: created.value, created: true };
        break;
      }
      case "direct": {
        const other = UserId.parse(command.participantId);
        if (!other.ok) {
          return err({
            ...other.error,
            field: "participant_id",
            message: "participant_id: must be a UUID",
          });
        }
        if (other.value === caller.value) {
          return err({
            type: "validation",
            field: "participant_id",
            message: "participant_id: a direct channel needs another user",
          });
        }
        const lookup = await this.deps.users.lookup(other.value);
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
          members: directPair(caller.value, other.value),
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
        eventId: this.deps.ids.newId(),
        channel: result.channel,
      });
    }
    return ok(result);
  }

  /** The channel when the caller may see it; a 404-shaped error otherwise. */
  async accessible(
    rawCallerId: string,
    rawChannelId: string,
  ): Promise<Result<Channel, ChannelError>> {
    const caller = UserId.parse(rawCallerId);
    if (!caller.ok) return caller;
    const id = ChannelId.parse(rawChannelId);
    if (!id.ok) return id;
    const channel = await this.deps.channels.findById(id.value);
    if (channel === undefined || !canAccess(channel, caller.value)) return err(channelNotFound);
    return ok(channel);
  }

  async list(rawCallerId: string, query: ListChannels): Promise<Result<Channel[], ChannelError>> {
    const caller = UserId.parse(rawCallerId);
    if (!caller.ok) return caller;
    const page = { limit: query.limit, after: query.after };
    return ok(
      query.memberOnly
        ? await this.deps.channels.listForMember(caller.value, page)
        : await this.deps.channels.listPublic(page),
    );
  }

  async addMember(
    rawCallerId: string,
    rawChannelId: string,
    rawUserId: string,
  ): Promise<Result<Channel, ChannelError>> {
    const channel = await this.accessible(rawCallerId, rawChannelId);
    if (!channel.ok) return channel;
    if (channel.value.type !== "private") {
      return err({
        type: "unsupported",
        field: "channel_id",
        message: "Members can only be added to private channels",
      });
    }
    const user = UserId.parse(rawUserId);
    if (!user.ok) return user;
    const lookup = await this.deps.users.lookup(user.value);
    if (lookup.status === "unavailable") return err(unavailable);
    if (lookup.status === "not_found") {
      return err({ type: "user_not_found", field: "user_id", message: "user_id: no such user" });
    }
    await this.deps.channels.addMember(channel.value.id, user.value);
    return await this.accessible(rawCallerId, rawChannelId);
  }

  async removeMember(
    rawCallerId: string,
    rawChannelId: string,
    rawUserId: string,
  ): Promise<Result<void, ChannelError>> {
    const channel = await this.accessible(rawCallerId, rawChannelId);
    if (!channel.ok) return channel;
    const user = UserId.parse(rawUserId);
    if (!user.ok) return user;
    if (channel.value.type !== "private") {
      return err({
        type: "unsupported",
        field: "channel_id",
        message: "Only private channels have members to remove",
      });
    }
    const isSelf = user.value === rawCallerId.toLowerCase();
    if (!isSelf && channel.value.createdBy !== rawCallerId.toLowerCase()) {
      return err({
        type: "not_allowed",
        message: "Only the channel's creator can remove other members",
      });
    }
    if (!(await this.deps.channels.removeMember(channel.value.id, user.value))) {
      return err({
        type: "member_not_found",
        message: "That user is not a member of this channel",
      });
    }
    return ok(undefined);
  }
}
