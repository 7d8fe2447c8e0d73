/** In-process message history for fast domain tests; tests/contracts holds it to the Cassandra store's contract. */
import { type ChannelId, MessageId, type UserId } from "../../domain/ids.ts";
import type { HistoryCursor, Message, MessageContent } from "../../domain/message/models.ts";
import type { HistoryQuery, MessageStore } from "../../domain/message/ports.ts";
import type { Reaction } from "../../domain/message/reactions.ts";

/** Messages of a channel are kept oldest first; ids are time-ordered, ties broken by id. */
const order = (a: Message, b: Message) =>
  a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MemoryMessageStore implements MessageStore {
  readonly #byChannel = new Map<ChannelId, Message[]>();
  readonly #byClientId = new Map<string, Message>();
  /** One entry per (channel, message, emoji, user). */
  readonly #reactions = new Map<string, Reaction & { readonly channelId: ChannelId }>();

  save(message: Message): Promise<{ message: Message; created: boolean }> {
    const key = message.clientId === undefined
      ? undefined
      : JSON.stringify([message.channelId, message.userId, message.clientId]);
    const original = key === undefined ? undefined : this.#byClientId.get(key);
    if (original !== undefined) return Promise.resolve({ message: original, created: false });
    const list = this.#byChannel.get(message.channelId) ?? [];
    list.push(message);
    list.sort(order);
    this.#byChannel.set(message.channelId, list);
    if (key !== undefined) this.#byClientId.set(key, message);
    return Promise.resolve({ message, created: true });
  }

  find(channelId: ChannelId, id: MessageId): Promise<Message | undefined> {
    return Promise.resolve(this.#byChannel.get(channelId)?.find((m) => m.id === id));
  }

  history(query: HistoryQuery): Promise<Message[]> {
    const all = this.#byChannel.get(query.channelId) ?? [];
    if (query.after !== undefined) {
      const after = query.after;
      return Promise.resolve(all.filter((m) => isAfter(m, after)).slice(0, query.limit).reverse());
    }
    const before = query.before;
    const older = before === undefined ? all : all.filter((m) => isBefore(m, before));
    return Promise.resolve(older.slice(-query.limit).reverse());
  }

  eraseAuthor(userId: UserId): Promise<number> {
    let erased = 0;
    for (const [channelId, list] of this.#byChannel) {
      const kept = list.filter((m) => m.userId !== userId);
      erased += list.length - kept.length;
      this.#byChannel.set(channelId, kept);
    }
    for (const [key, message] of this.#byClientId) {
      if (message.userId === userId) this.#byClientId.delete(key);
    }
    return Promise.resolve(erased);
  }

  edit(message: Message, content: MessageContent, editedAt: Date): Promise<Message | undefined> {
    const list = this.#byChannel.get(message.channelId) ?? [];
    const at = list.findIndex((m) => m.id === message.id);
    if (at === -1) return Promise.resolve(undefined);
    const stored = list[at];
    if (stored.editedAt !== undefined && stored.editedAt > editedAt) return Promise.resolve(stored);
    const edited = { ...stored, content, editedAt };
    list[at] = edited;
    return Promise.resolve(edited);
  }

  editedSince(channelId: ChannelId, since: Date, limit: number): Promise<Message[]> {
    const edited = (this.#byChannel.get(channelId) ?? [])
      .filter((m) => m.editedAt !== undefined && m.editedAt > since)
      .sort((a, b) => (a.editedAt?.getTime() ?? 0) - (b.editedAt?.getTime() ?? 0));
    return Promise.resolve(edited.slice(0, limit));
  }

  react(message: Message, reaction: Reaction): Promise<boolean> {
    const key = reactionKey(message.channelId, reaction);
    const added = !this.#reactions.has(key);
    this.#reactions.set(key, { ...reaction, channelId: message.channelId });
    return Promise.resolve(added);
  }

  unreact(message: Message, reaction: Reaction): Promise<boolean> {
    return Promise.resolve(this.#reactions.delete(reactionKey(message.channelId, reaction)));
  }

  reactions(channelId: ChannelId, messageIds: readonly MessageId[]): Promise<Reaction[]> {
    const wanted = new Set(messageIds);
    return Promise.resolve(
      [...this.#reactions.values()]
        .filter((r) => r.channelId === channelId && wanted.has(r.messageId))
        .map(({ messageId, emoji, userId }) => ({ messageId, emoji, userId })),
    );
  }

  delete(message: Message): Promise<void> {
    const list = this.#byChannel.get(message.channelId);
    if (list !== undefined) {
      this.#byChannel.set(
        message.channelId,
        list.filter((m) => m.id !== message.id),
      );
    }
    return Promise.resolve();
  }
}

const reactionKey = (channelId: ChannelId, r: Reaction) =>
  JSON.stringify([channelId, r.messageId, r.emoji, r.userId]);

function isBefore(m: Message, cursor: HistoryCursor): boolean {
  return cursor.kind === "time" ? m.timestamp < cursor.at : m.id !== cursor.id &&
    order(m, { ...m, id: cursor.id, timestamp: MessageId.timeOf(cursor.id) }) < 0;
}

function isAfter(m: Message, cursor: HistoryCursor): boolean {
  return cursor.kind === "time" ? m.timestamp > cursor.at : m.id !== cursor.id &&
    order(m, { ...m, id: cursor.id, timestamp: MessageId.timeOf(cursor.id) }) > 0;
}
