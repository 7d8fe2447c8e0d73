/**
 * Remembers public channels in process: every send and subscribe checks
 * access, and a public channel's answer never changes. Private and direct
 * channels are always read through, so membership changes apply at once.
 */
import type { Result } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../../domain/ids.ts";
import type {
  Channel,
  ChannelName,
  DirectChannel,
  PublicChannel,
} from "../../domain/channel/models.ts";
import type { ChannelPage, ChannelRepository } from "../../domain/channel/ports.ts";

export class CachedChannelRepository implements ChannelRepository {
  readonly #public = new Map<ChannelId, Channel>();
  /** Creators being erased: their channels are never cached again (erasure may still be under way). */
  readonly #erasedCreators = new Set<UserId>();

  constructor(private readonly source: ChannelRepository, private readonly maxEntries = 10_000) {}

  async findById(id: ChannelId): Promise<Channel | undefined> {
    const cached = this.#public.get(id);
    if (cached !== undefined) return cached;
    const channel = await this.source.findById(id);
    if (channel?.type === "public") this.#remember(channel);
    return channel;
  }

  async createNamed(
    channel: Channel & { name: ChannelName },
  ): Promise<Result<Channel, "name_taken">> {
    const created = await this.source.createNamed(channel);
    if (created.ok && created.value.type === "public") this.#remember(created.value);
    return created;
  }

  createDirect(channel: DirectChannel): Promise<{ channel: DirectChannel; created: boolean }> {
    return this.source.createDirect(channel);
  }

  listPublic(page: ChannelPage): Promise<Channel[]> {
    return this.source.listPublic(page);
  }

  listForMember(userId: UserId, page: ChannelPage): Promise<Channel[]> {
    return this.source.listForMember(userId, page);
  }

  memberChannelIds(userId: UserId): Promise<ChannelId[]> {
    return this.source.memberChannelIds(userId);
  }

  async joinPublic(
    channel: PublicChannel,
    userId: UserId,
  ): Promise<{ channel: PublicChannel; created: boolean } | undefined> {
    const joined = await this.source.joinPublic(channel, userId);
    if (joined !== undefined) this.#remember(joined.channel);
    return joined;
  }

  addMember(channelId: ChannelId, userId: UserId): Promise<boolean> {
    return this.source.addMember(channelId, userId);
  }

  removeMember(channelId: ChannelId, userId: UserId): Promise<boolean> {
    return this.source.removeMember(channelId, userId);
  }

  async eraseUser(userId: UserId): Promise<ChannelId[]> {
    const removed = await this.source.eraseUser(userId);
    for (const id of removed) this.#public.delete(id);
    return removed;
  }

  /**
   * Drops the channels a deleted user created. Erasure runs on one instance
   * (the replica's shared consumer group); every instance calls this from its
   * own user-events consumer so no cache keeps an erased channel.
   */
  forgetCreatedBy(userId: UserId): void {
    this.#erasedCreators.add(userId);
    if (this.#erasedCreators.size > this.maxEntries) {
      const oldest = this.#erasedCreators.values().next();
      if (!oldest.done) this.#erasedCreators.delete(oldest.value);
    }
    for (const [id, channel] of this.#public) {
      if (channel.createdBy === userId) this.#public.delete(id);
    }
  }

  #remember(channel: Channel): void {
    if (this.#erasedCreators.has(channel.createdBy)) return;
    this.#public.set(channel.id, channel);
    if (this.#public.size > this.maxEntries) {
      const oldest = this.#public.keys().next();
      if (!oldest.done) this.#public.delete(oldest.value);
    }
  }
}
