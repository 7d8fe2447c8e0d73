/**
 * chat events on the embedded mode's in-process bus: the same topics, keys
 * and envelopes as on Kafka (see outbound/envelopes), without a broker.
 */
import type { InProcessEventBus } from "@chat-ts/shared/events";
import type { ChannelCreated, MembershipEvent } from "../../domain/channel/events.ts";
import type { ReadMarked } from "../../domain/read/events.ts";
import type { ChannelEventPublisher } from "../../domain/channel/ports.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageEventPublisher } from "../../domain/message/ports.ts";
import { toRecord } from "../envelopes/chat_envelope.ts";
import type { ChatRecord } from "../postgres/chat_outbox.ts";

export class InProcessChatEventPublisher implements MessageEventPublisher, ChannelEventPublisher {
  constructor(private readonly bus: InProcessEventBus) {}

  publish(event: MessageEvent): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }

  publishChannelCreated(event: ChannelCreated): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }

  publishMembership(event: MembershipEvent): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }

  publishReadMarked(event: ReadMarked): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }

  /**
   * The outbox relay's sink in the embedded mode: the records are queued to
   * the bus's subscribers, in order, before this resolves; it does not wait
   * for them to be handled. Fan-out runs in this process and reads the same
   * one-connection database (usernames), which the relay's transaction holds
   * until this resolves. A fan-out failure is the reader's own (it skips).
   */
  forward(records: readonly ChatRecord[]): Promise<void> {
    this.bus.publish(records).catch(() => {});
    return Promise.resolve();
  }
}
