/** Message commands: send, read history and delete, under the channel access rule. */
import type { Logger } from "@chat-ts/shared/logger";
import { err, ok, type Result } from "@chat-ts/shared/result";
import { rateLimited } from "../channel/errors.ts";
import type { UserLimit } from "../channel/ports.ts";
import type { ChannelService } from "../channel/service.ts";
import type { ChannelId, MessageId, UserId } from "../ids.ts";
import type { UserDirectory } from "../user/ports.ts";
import { type MessageError, messageNotFound, notAuthor } from "./errors.ts";
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
    if (created) {
      // Stored first, so a Kafka outage loses no message: it stays in history
      // and reconnecting clients fetch it with `after`.
      try {
        await this.deps.events.publish({
          type: "message_sent",
          eventId: this.deps.ids.newEventId(),
          message,
        });
      } catch (error) {
        this.deps.logger.error("message stored but not broadcast", {
          error,
          message_id: message.id,
        });
      }
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
    try {
      await this.deps.events.publish({
        type: "message_deleted",
        eventId: this.deps.ids.newEventId(),
        messageId: message.id,
        channelId: message.channelId,
        at: this.deps.clock.now(),
      });
    } catch (error) {
      this.deps.logger.error("message deleted but deletion not broadcast", {
        error,
        message_id: message.id,
      });
    }
    return ok(undefined);
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
