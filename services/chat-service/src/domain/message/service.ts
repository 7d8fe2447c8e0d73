/** Message commands: send, read history and delete, under the channel access rule. */
import type { Logger } from "@chat-ts/shared/logger";
import { err, ok, type Result } from "@chat-ts/shared/result";
import { rateLimited } from "../channel/errors.ts";
import type { UserLimit } from "../channel/ports.ts";
import type { ChannelService } from "../channel/service.ts";
import { type ChannelId, MessageId, type UserId } from "../ids.ts";
import type { UserDirectory, UserNames } from "../user/ports.ts";
import { canAccess, type Channel } from "../channel/models.ts";
import { mentionedNames } from "./mentions.ts";
import { type MessageError, messageNotFound, notAuthor, notEditor } from "./errors.ts";
import type { MessageEvent } from "./events.ts";
import { type Emoji, summarise } from "./reactions.ts";
import type {
  ClientId,
  HistoryCursor,
  Message,
  MessageContent,
  MessageEdit,
  MessageView,
  Quote,
} from "./models.ts";
import { PREVIEW_LENGTH } from "./models.ts";
import { invalid } from "../validation.ts";
import type { MessageEventPublisher, MessageIdGenerator, MessageStore } from "./ports.ts";
import type { ReadMarkers } from "../read/ports.ts";

export interface SendMessage {
  readonly content: MessageContent;
  readonly clientId?: ClientId;
  /** A message of the same channel this one answers. */
  readonly replyTo?: MessageId;
}

export interface ReadHistory {
  readonly limit: number;
  readonly before?: HistoryCursor;
  readonly after?: HistoryCursor;
}

export interface MessageServiceDeps {
  readonly channels: ChannelService;
  readonly messages: MessageStore;
  readonly events: MessageEventPublisher;
  readonly users: UserDirectory;
  /** Who bears a name (the replica): how `@username` in a public channel is resolved. */
  readonly names: UserNames;
  readonly ids: MessageIdGenerator & { newEventId(): string };
  readonly clock: { now(): Date };
  readonly logger: Logger;
  /** Messages a user may send, across all their connections (none: no limit). */
  readonly sendLimit?: UserLimit;
  /** The index unread counts are read from (none: no unread state). */
  readonly reads?: ReadMarkers;
}

export class MessageService {
  constructor(private readonly deps: MessageServiceDeps) {}

  async send(
    caller: UserId,
    channelId: ChannelId,
    command: SendMessage,
  ): Promise<Result<MessageView, MessageError>> {
    const allowance = await this.deps.sendLimit?.take(caller);
    if (allowance !== undefined && !allowance.ok) {
      return err(rateLimited("messages", allowance.retryAfterSeconds));
    }
    const channel = await this.deps.channels.accessible(caller, channelId);
    if (!channel.ok) return channel;
    const replyTo = await this.#replyTarget(channel.value.id, command.replyTo);
    if (!replyTo.ok) return replyTo;
    const mentions = await this.#mentions(channel.value, command.content);
    const now = this.deps.clock.now();
    const { message, created } = await this.deps.messages.save({
      id: this.deps.ids.next(now),
      channelId: channel.value.id,
      userId: caller,
      content: command.content,
      timestamp: now,
      ...(command.clientId === undefined ? {} : { clientId: command.clientId }),
      ...replyTo.value,
      ...(mentions.length === 0 ? {} : { mentions }),
    });
    // A durable publisher (the outbox) records the event before the send is answered; a retry
    // records it again under the same event id, the message's own, a no-op unless the first
    // attempt stored the message but could not record it.
    // Indexed before it is announced, so a reader can mark it read as soon as it arrives; the
    // sender has read their channel up to their own message (the same call moves their marker).
    const reads = this.deps.reads;
    if (reads !== undefined) {
      await reads.recordMessage({
        channelId: message.channelId,
        id: message.id,
        userId: message.userId,
        preview: message.content.slice(0, PREVIEW_LENGTH),
        at: message.timestamp,
      });
    }
    if (created || this.deps.events.durable === true) {
      await this.#publish({ type: "message_sent", eventId: message.id, message });
    }
    return ok(await this.withUsername(message));
  }

  async history(
    caller: UserId,
    channelId: ChannelId,
    query: ReadHistory,
  ): Promise<Result<MessageView[], MessageError>> {
    const channel = await this.deps.channels.accessible(caller, channelId);
    if (!channel.ok) return channel;
    const messages = await this.deps.messages.history({
      channelId: channel.value.id,
      limit: query.limit,
      before: query.before,
      after: query.after,
      since: channel.value.createdAt,
    });
    return ok(await this.#views(channel.value.id, messages, caller));
  }

  async delete(
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
  ): Promise<Result<void, MessageError>> {
    const found = await this.#visibleMessage(caller, channelId, messageId);
    if (!found.ok) return found;
    const message = found.value;
    if (message.userId !== caller) return err(notAuthor);
    await this.deps.messages.delete(message);
    await this.deps.reads?.forgetMessage(message.channelId, message.id);
    await this.#publish({
      type: "message_deleted",
      eventId: this.deps.ids.newEventId(),
      messageId: message.id,
      channelId: message.channelId,
      at: this.deps.clock.now(),
    });
    return ok(undefined);
  }

  /** The author replaces a message's content; subscribers get `message_edited`. */
  async edit(
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
    content: MessageContent,
  ): Promise<Result<MessageView, MessageError>> {
    const found = await this.#visibleMessage(caller, channelId, messageId);
    if (!found.ok) return found;
    const message = found.value;
    if (message.userId !== caller) return err(notEditor);
    const edited = await this.deps.messages.edit(message, content, this.deps.clock.now());
    if (edited === undefined) return err(messageNotFound);
    await this.deps.reads?.editMessage(
      edited.channelId,
      edited.id,
      edited.content.slice(0, PREVIEW_LENGTH),
    );
    await this.#publish({
      type: "message_edited",
      eventId: this.deps.ids.newEventId(),
      messageId: edited.id,
      channelId: edited.channelId,
      content: edited.content,
      editedAt: edited.editedAt ?? this.deps.clock.now(),
    });
    const [view] = await this.#views(edited.channelId, [edited], caller);
    return ok(view);
  }

  /**
   * Messages up to `after` edited since it was sent, as they are now (oldest
   * edit first): what a client that has seen everything up to `after` may
   * have missed besides newer messages. At most `limit`.
   */
  async editedSince(
    caller: UserId,
    channelId: ChannelId,
    after: MessageId,
    limit: number,
  ): Promise<Result<MessageEdit[], MessageError>> {
    const channel = await this.deps.channels.accessible(caller, channelId);
    if (!channel.ok) return channel;
    const since = MessageId.timeOf(after);
    const edited = await this.deps.messages.editedSince(channel.value.id, since, limit);
    return ok(
      edited.flatMap((m) =>
        m.timestamp <= since && m.editedAt !== undefined
          ? [{ messageId: m.id, channelId: m.channelId, content: m.content, editedAt: m.editedAt }]
          : []
      ),
    );
  }

  /** The caller reacts with an emoji, once however often asked; subscribers get `reaction_added`. */
  react(
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
    emoji: Emoji,
  ): Promise<Result<void, MessageError>> {
    return this.#reaction("reaction_added", caller, channelId, messageId, emoji);
  }

  /** The caller takes a reaction back (nothing happens when there was none). */
  unreact(
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
    emoji: Emoji,
  ): Promise<Result<void, MessageError>> {
    return this.#reaction("reaction_removed", caller, channelId, messageId, emoji);
  }

  /** How many users reacted with one emoji now: read from the store, the one exact count. */
  async reactionCount(channelId: ChannelId, messageId: MessageId, emoji: Emoji): Promise<number> {
    const stored = await this.deps.messages.reactions(channelId, [messageId]);
    return stored.filter((r) => r.messageId === messageId && r.emoji === emoji).length;
  }

  async #reaction(
    type: "reaction_added" | "reaction_removed",
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
    emoji: Emoji,
  ): Promise<Result<void, MessageError>> {
    const found = await this.#visibleMessage(caller, channelId, messageId);
    if (!found.ok) return found;
    const reaction = { messageId: found.value.id, emoji, userId: caller };
    const changed = type === "reaction_added"
      ? await this.deps.messages.react(found.value, reaction)
      : await this.deps.messages.unreact(found.value, reaction);
    if (changed) {
      await this.#publish({
        type,
        eventId: this.deps.ids.newEventId(),
        channelId: found.value.channelId,
        reaction,
        at: this.deps.clock.now(),
      });
    }
    return ok(undefined);
  }

  /** Views for one reader: usernames, and reactions with the reader's own marked. */
  async #views(
    channelId: ChannelId,
    messages: readonly Message[],
    reader: UserId,
  ): Promise<MessageView[]> {
    const [views, reactions] = await Promise.all([
      this.withUsernames(messages),
      messages.length === 0
        ? Promise.resolve([])
        : this.deps.messages.reactions(channelId, messages.map((m) => m.id)),
    ]);
    const summaries = summarise(reactions, reader);
    return views.map((v) => ({ ...v, reactions: summaries.get(v.id) ?? [] }));
  }

  /**
   * The users `@username` names in a text who may read the channel (a public
   * channel: every user; a private or direct one: its members), in order of
   * first mention. A name nobody of them bears stays text.
   */
  async #mentions(channel: Channel, content: MessageContent): Promise<UserId[]> {
    const names = mentionedNames(content);
    if (names.length === 0) return [];
    const holders = new Map(await this.deps.names.idsOf(names));
    const reader = (name: string) => {
      const id = holders.get(name);
      return id !== undefined && canAccess(channel, id) ? id : undefined;
    };
    const unresolved = new Set(names.filter((name) => reader(name) === undefined));
    if (unresolved.size > 0 && channel.type !== "public") {
      // The replica may not know a member yet (registered a moment ago) or know an old name:
      // the members' names as messages show them decide.
      await Promise.all(channel.members.map(async (id) => {
        const found = await this.deps.users.lookup(id);
        const name = found.status === "found" ? found.username.toLowerCase() : undefined;
        if (name !== undefined && unresolved.has(name)) holders.set(name, id);
      }));
    }
    return names.flatMap((name) => {
      const id = reader(name);
      return id === undefined ? [] : [id];
    });
  }

  /** A reply answers a message stored in the same channel. */
  async #replyTarget(
    channelId: ChannelId,
    replyTo: MessageId | undefined,
  ): Promise<Result<{ replyTo?: MessageId }, MessageError>> {
    if (replyTo === undefined) return ok({});
    const original = await this.deps.messages.find(channelId, replyTo);
    return original === undefined
      ? err(invalid("reply_to", "must be a message of this channel"))
      : ok({ replyTo: original.id });
  }

  /** The quotes of replies: one read per distinct original. */
  async #quotes(messages: readonly Message[]): Promise<Map<MessageId, Quote>> {
    const targets = [
      ...new Set(messages.flatMap((m) => m.replyTo === undefined ? [] : [m.replyTo])),
    ];
    if (targets.length === 0) return new Map();
    const channelId = messages[0].channelId;
    const originals = await Promise.all(
      targets.map((id) => this.deps.messages.find(channelId, id)),
    );
    const found = originals.filter((m): m is Message => m !== undefined);
    const names = await this.#usernames(found);
    return new Map(targets.map((id, i): [MessageId, Quote] => {
      const m = originals[i];
      return [
        id,
        m === undefined ? { id, deleted: true } : {
          id,
          deleted: false,
          userId: m.userId,
          username: names.get(m.userId) ?? null,
          preview: [...m.content].slice(0, PREVIEW_LENGTH).join(""),
        },
      ];
    }));
  }

  /** A message of a channel the caller may read. */
  async #visibleMessage(
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
  ): Promise<Result<Message, MessageError>> {
    const channel = await this.deps.channels.accessible(caller, channelId);
    if (!channel.ok) return channel;
    const message = await this.deps.messages.find(channel.value.id, messageId);
    return message === undefined ? err(messageNotFound) : ok(message);
  }

  /** See `MessageEventPublisher.durable`: a durable publisher's failure fails the command. */
  async #publish(event: MessageEvent): Promise<void> {
    if (this.deps.events.durable === true) return await this.deps.events.publish(event);
    try {
      await this.deps.events.publish(event);
    } catch (error) {
      // The message stays in history; reconnecting clients fetch it with `after`.
      this.deps.logger.error("event not broadcast", { error, event_type: event.type });
    }
  }

  async withUsername(message: Message): Promise<MessageView> {
    const [view] = await this.withUsernames([message]);
    return view;
  }

  /** One lookup per distinct sender; the quotes of replies. */
  async withUsernames(messages: readonly Message[]): Promise<MessageView[]> {
    const [names, quotes] = await Promise.all([this.#usernames(messages), this.#quotes(messages)]);
    return messages.map((m) => ({
      ...m,
      username: names.get(m.userId) ?? null,
      reactions: [],
      quote: m.replyTo === undefined
        ? null
        : quotes.get(m.replyTo) ?? { id: m.replyTo, deleted: true },
    }));
  }

  async #usernames(messages: readonly Message[]): Promise<Map<UserId, string | null>> {
    const senders = [...new Set(messages.map((m) => m.userId))];
    return new Map(
      await Promise.all(senders.map(async (id) => {
        const found = await this.deps.users.lookup(id);
        return [id, found.status === "found" ? found.username : null] as const;
      })),
    );
  }
}
