/** In-process channels for fast domain tests; tests/contracts holds it to the Postgres adapter's rules. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../../domain/ids.ts";
import type {
  Channel,
  ChannelName,
  DirectChannel,
  PublicChannel,
} from "../../domain/channel/models.ts";
import type { ChannelPage, ChannelRepository } from "../../domain/channel/ports.ts";

/** Named channels by name, then direct channels (no name) by id, as in Postgres. */
const sortKey = (c: Channel) => c.type === "direct" ? `~${c.id}` : c.name.toLowerCase();

export class MemoryChannelRepository implements ChannelRepository {
  readonly #channels = new Map<ChannelId, Channel>();
  /** Public channels users joined (the default channel). */
  readonly #joined = new Map<ChannelId, Set<UserId>>();

  findById(id: ChannelId): Promise<Channel | undefined> {
    return Promise.resolve(this.#channels.get(id));
  }

  createNamed(channel: Channel & { name: ChannelName }): Promise<Result<Channel, "name_taken">> {
    const taken = [...this.#channels.values()].some((c) =>
      c.type !== "direct" && c.name.toLowerCase() === channel.name.toLowerCase()
    );
    if (taken) return Promise.resolve(err("name_taken" as const));
    this.#channels.set(channel.id, channel);
    return Promise.resolve(ok(channel));
  }

  createDirect(channel: DirectChannel): Promise<{ channel: DirectChannel; created: boolean }> {
    const [low, high] = channel.members;
    for (const c of this.#channels.values()) {
      if (c.type === "direct" && c.members[0] === low && c.members[1] === high) {
        return Promise.resolve({ channel: c, created: false });
      }
    }
    this.#channels.set(channel.id, channel);
    return Promise.resolve({ channel, created: true });
  }

  listPublic(page: ChannelPage): Promise<Channel[]> {
    return Promise.resolve(
      this.#page([...this.#channels.values()].filter((c) => c.type === "public"), page),
    );
  }

  listForMember(userId: UserId, page: ChannelPage): Promise<Channel[]> {
    return Promise.resolve(
      this.#page(
        [...this.#channels.values()].filter((c) =>
          c.type === "public"
            ? this.#joined.get(c.id)?.has(userId) === true
            : c.members.includes(userId)
        ),
        page,
      ),
    );
  }

  async memberChannelIds(userId: UserId): Promise<ChannelId[]> {
    return (await this.listForMember(userId, { limit: 1000 }))
      .filter((c) => c.type !== "public").map((c) => c.id);
  }

  joinPublic(
    channel: PublicChannel,
    userId: UserId,
  ): Promise<{ channel: PublicChannel; created: boolean } | undefined> {
    const named = [...this.#channels.values()].find((c) =>
      c.type !== "direct" && c.name.toLowerCase() === channel.name.toLowerCase()
    );
    if (named !== undefined && named.type !== "public") return Promise.resolve(undefined);
    const target = named ?? channel;
    if (named === undefined) this.#channels.set(channel.id, channel);
    const joined = this.#joined.get(target.id) ?? new Set();
    joined.add(userId);
    this.#joined.set(target.id, joined);
    return Promise.resolve({ channel: target, created: named === undefined });
  }

  addMember(channelId: ChannelId, userId: UserId): Promise<boolean> {
    const channel = this.#channels.get(channelId);
    if (channel?.type !== "private" || channel.members.includes(userId)) {
      return Promise.resolve(false);
    }
    this.#channels.set(channelId, { ...channel, members: [...channel.members, userId] });
    return Promise.resolve(true);
  }

  removeMember(channelId: ChannelId, userId: UserId): Promise<boolean> {
    const channel = this.#channels.get(channelId);
    if (channel?.type !== "private" || !channel.members.includes(userId)) {
      return Promise.resolve(false);
    }
    const members = channel.members.filter((m) => m !== userId);
    if (members.length === 0) this.#channels.delete(channelId);
    else this.#channels.set(channelId, { ...channel, members });
    return Promise.resolve(true);
  }

  eraseUser(userId: UserId): Promise<ChannelId[]> {
    const removed: ChannelId[] = [];
    for (const channel of [...this.#channels.values()]) {
      if (
        channel.createdBy === userId ||
        (channel.type === "direct" && channel.members.includes(userId))
      ) {
        this.#channels.delete(channel.id);
        removed.push(channel.id);
      } else if (channel.type === "public") {
        this.#joined.get(channel.id)?.delete(userId);
      } else if (channel.type === "private" && channel.members.includes(userId)) {
        this.#channels.set(channel.id, {
          ...channel,
          members: channel.members.filter((m) => m !== userId),
        });
      }
    }
    return Promise.resolve(removed);
  }

  #page(channels: Channel[], page: ChannelPage): Channel[] {
    const after = page.after?.toLowerCase();
    return channels
      .filter((c) => after === undefined || sortKey(c) > after)
      .sort((a, b) => sortKey(a) < sortKey(b) ? -1 : 1)
      .slice(0, page.limit);
  }
}
