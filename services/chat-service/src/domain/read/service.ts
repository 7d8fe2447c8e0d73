/** Read markers: a user marks a channel read up to a message; their other devices follow. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { ChannelService } from "../channel/service.ts";
import type { ChannelId, MessageId, UserId } from "../ids.ts";
import type { MessageError } from "../message/errors.ts";
import { messageNotFound } from "../message/errors.ts";
import type { ReadMarked } from "./events.ts";
import type { ReadMarkers, ReadSummary } from "./ports.ts";

/** Where a moved marker is announced (the chat outbox: `read_marked` on the channel's shard). */
export interface ReadEventPublisher {
  publishReadMarked(event: ReadMarked): Promise<void>;
}

export interface ReadServiceDeps {
  readonly channels: ChannelService;
  readonly reads: ReadMarkers;
  readonly events: ReadEventPublisher;
  readonly clock: { now(): Date };
  readonly newEventId: () => string;
}

export class ReadService {
  constructor(private readonly deps: ReadServiceDeps) {}

  /** Marks the channel read up to `messageId` (never backwards); the state after it. */
  async markRead(
    caller: UserId,
    channelId: ChannelId,
    messageId: MessageId,
  ): Promise<Result<ReadSummary, MessageError>> {
    const channel = await this.deps.channels.accessible(caller, channelId);
    if (!channel.ok) return channel;
    const at = this.deps.clock.now();
    const marked = await this.deps.reads.markRead(caller, channel.value.id, messageId, at);
    if (marked === undefined) return err(messageNotFound);
    const { summary } = marked;
    if (marked.moved && summary.lastReadId !== null) {
      await this.deps.events.publishReadMarked({
        type: "read_marked",
        eventId: this.deps.newEventId(),
        channelId: summary.channelId,
        userId: caller,
        messageId: summary.lastReadId,
        unreadCount: summary.unreadCount,
        at,
      });
    }
    return ok(summary);
  }

  summaries(caller: UserId, channelIds: readonly ChannelId[]): Promise<ReadSummary[]> {
    return this.deps.reads.summaries(caller, channelIds);
  }
}
