/**
 * Keeps chat in step with user-service: applies user changes to the replica
 * and, when a user is deleted, erases them from chat — memberships, the
 * channels they created (direct ones included) and their messages. Erasure
 * runs on every delete event, replays included, and is harmless twice.
 */
import type { Logger } from "@chat-ts/shared/logger";
import type { ChannelRepository } from "../channel/ports.ts";
import type { MessageStore } from "../message/ports.ts";
import type { UserId } from "../ids.ts";
import type { UserChange } from "./models.ts";
import type { UserReplica } from "./ports.ts";

export interface UserReplicaServiceDeps {
  readonly replica: UserReplica;
  readonly channels: ChannelRepository;
  readonly messages: MessageStore;
  readonly logger: Logger;
  /** A new user was applied for the first time (the default channel joins them). */
  readonly onUserCreated?: (userId: UserId) => Promise<void>;
}

export class UserReplicaService {
  constructor(private readonly deps: UserReplicaServiceDeps) {}

  async apply(change: UserChange): Promise<void> {
    const applied = await this.deps.replica.apply(change);
    if (change.type === "deleted") await this.erase(change.userId);
    if (change.type === "upserted" && change.created === true && applied) {
      await this.deps.onUserCreated?.(change.userId);
    }
    this.deps.logger.debug("user change", { type: change.type, user_id: change.userId, applied });
  }

  async erase(userId: UserId): Promise<void> {
    const channels = await this.deps.channels.eraseUser(userId);
    const messages = await this.deps.messages.eraseAuthor(userId);
    this.deps.logger.info("erased a deleted user", {
      user_id: userId,
      channels_removed: channels.length,
      messages_removed: messages,
    });
  }
}
