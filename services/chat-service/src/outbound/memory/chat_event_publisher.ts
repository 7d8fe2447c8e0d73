/**
 * chat events on the embedded mode's in-process bus: the same topics, keys
 * and envelopes as on Kafka (see outbound/envelopes), without a broker.
 */
import type { InProcessEventBus } from "@chat-ts/shared/events";
import type { ChannelCreated } from "../../domain/channel/events.ts";
import type { ChannelEventPublisher } from "../../domain/channel/ports.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageEventPublisher } from "../../domain/message/ports.ts";
import { toRecord } from "../envelopes/chat_envelope.ts";

export class InProcessChatEventPublisher implements MessageEventPublisher, ChannelEventPublisher {
  constructor(private readonly bus: InProcessEventBus) {}

  publish(event: MessageEvent): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }

  publishChannelCreated(event: ChannelCreated): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }
}
