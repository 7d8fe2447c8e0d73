/** Read markers in process (tests; the embedded mode runs the Postgres adapter on PGlite). */
import { type ChannelId, MessageId, type UserId } from "../../domain/ids.ts";
import {
  type LastMessage,
  type ReadMarkers,
  type ReadSummary,
  UNREAD_CAP,
} from "../../domain/read/ports.ts";

interface Entry extends LastMessage {
  /** The history's order: the id's time, then the id. */
  readonly key: string;
}

const keyOf = (id: MessageId) => `${MessageId.ticksOf(id).toString().padStart(20, "0")} ${id}`;

export class MemoryReadMarkers implements ReadMarkers {
  /** channel → its messages in position order. */
  readonly #index = new Map<ChannelId, Entry[]>();
  /** `user channel` → the marker. */
  readonly #markers = new Map<string, { messageId: MessageId; key: string }>();

  recordMessage(m: LastMessage & { channelId: ChannelId }): Promise<void> {
    const list = this.#index.get(m.channelId) ?? [];
    if (!list.some((e) => e.id === m.id)) {
      list.push({ id: m.id, userId: m.userId, preview: m.preview, at: m.at, key: keyOf(m.id) });
      list.sort((x, y) => x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
    }
    this.#index.set(m.channelId, list);
    const marker = `${m.userId} ${m.channelId}`;
    const key = keyOf(m.id);
    if ((this.#markers.get(marker)?.key ?? "") < key) {
      this.#markers.set(marker, { messageId: m.id, key });
    }
    return Promise.resolve();
  }

  editMessage(channelId: ChannelId, id: MessageId, preview: string): Promise<void> {
    const list = this.#index.get(channelId) ?? [];
    this.#index.set(channelId, list.map((e) => e.id === id ? { ...e, preview } : e));
    return Promise.resolve();
  }

  forgetMessage(channelId: ChannelId, id: MessageId): Promise<void> {
    const list = this.#index.get(channelId) ?? [];
    this.#index.set(channelId, list.filter((e) => e.id !== id));
    return Promise.resolve();
  }

  async markRead(userId: UserId, channelId: ChannelId, messageId: MessageId, _at: Date) {
    const target = (this.#index.get(channelId) ?? []).find((e) => e.id === messageId);
    if (target === undefined) return undefined;
    const key = `${userId} ${channelId}`;
    const current = this.#markers.get(key);
    const moved = current === undefined || current.key < target.key;
    if (moved) this.#markers.set(key, { messageId, key: target.key });
    const [summary] = await this.summaries(userId, [channelId]);
    return { moved, summary };
  }

  summaries(userId: UserId, channelIds: readonly ChannelId[]): Promise<ReadSummary[]> {
    return Promise.resolve(channelIds.map((channelId) => {
      const list = this.#index.get(channelId) ?? [];
      const marker = this.#markers.get(`${userId} ${channelId}`);
      const after = list.filter((e) => marker === undefined || e.key > marker.key);
      const last = list.at(-1);
      return {
        channelId,
        unreadCount: Math.min(after.length, UNREAD_CAP),
        lastReadId: marker?.messageId ?? null,
        lastMessage: last === undefined
          ? null
          : { id: last.id, userId: last.userId, preview: last.preview, at: last.at },
      };
    }));
  }
}
