/** Message commands: send, read history and delete, under the channel access rule. */
import type { Logger } from "@chat-ts/shared/logger";
import { err, ok, type Result } from "@chat-ts/shared/result";
import { rateLimited } from "../channel/errors.ts";
import type { UserLimit } from "../channel/ports.ts";
import type { ChannelService } from "../channel/service.ts";
import type { ChannelId, MessageId, UserId } from "../ids.ts";
import type { UserDirectory } from "../user/ports.ts";
import { type MessageError, messageNotFound, notAuthor } from "./errors.ts";
import type { MessageEvent } from "./events.ts";
import type { ClientId, HistoryCursor, Message, MessageContent, MessageView } from "./models.ts";
import type { MessageEventPublisher, MessageIdGenerator, MessageStore } from "./ports.ts";

export interface SendMessage {
  readonly content: MessageContent;
  readonly clientId?: ClientId;
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
  readonly ids: MessageIdGenerator & { newEventId(): string };
  readonly clock: { now(): Date };
  readonly logger: Logger;
  /** Messages a user may send, across all their connections (none: no limit). */
  readonly sendLimit?: UserLimit;
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
    const now = this.deps.clock.now();
    const { message, created } = await this.deps.messages.save({
      id: this.deps.ids.next(now),
      channelId: channel.value.id,
      userId: caller,
      content: command.content,
      timestamp: now,
      ...(command.clientId === undefined ? {} : { clientId: command.clientId }),
    });
    // A durable publisher (the outbox) records the event before the send is answered; a retry
    // records it again under the same event id, the message's own, a no-op unless the first
    // attempt stored the message but could not record it.
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
    return ok(await this.withUsernames(messages));
  }

  async delete(
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
  ): Promise<Result<void, MessageError>> {
    const channel = await this.deps.channels.accessible(caller, channelId);
    if (!channel.ok) return channel;
    const message = await this.deps.messages.find(channel.value.id, messageId);
    if (message === undefined) return err(messageNotFound);
    if (message.userId !== caller) return err(notAuthor);
    await this.deps.messages.delete(message);
    await this.#publish({
      type: "message_deleted",
      eventId: this.deps.ids.newEventId(),
      messageId: message.id,
      channelId: message.channelId,
      at: this.deps.clock.now(),
    });
    return ok(undefined);
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

  /** One lookup per distinct sender. */
  async withUsernames(messages: readonly Message[]): Promise<MessageView[]> {
    const senders = [...new Set(messages.map((m) => m.userId))];
    const names = new Map(
      await Promise.all(senders.map(async (id) => {
        const found = await this.deps.users.lookup(id);
        return [id, found.status === "found" ? found.username : null] as const;
      })),
    );
    return messages.map((m) => ({ ...m, username: names.get(m.userId) ?? null }));
  }
}
