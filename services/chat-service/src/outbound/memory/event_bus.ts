/**
 * chat-service on the embedded mode's in-process bus: the same topics, keys
 * and envelopes as on Kafka (see outbound/kafka), without a broker.
 */
import {
  type BusSubscription,
  CHAT_MESSAGE_TOPICS,
  type ChatEvent,
  type InProcessEventBus,
  USER_EVENTS_TOPIC,
} from "@chat-ts/shared/events";
import type { Logger } from "@chat-ts/shared/logger";
import type { ChannelCreated } from "../../domain/channel/events.ts";
import type { ChannelEventPublisher } from "../../domain/channel/ports.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageEventPublisher } from "../../domain/message/ports.ts";
import type { UserChange } from "../../domain/user/models.ts";
import { decodeChatEvent, toRecord } from "../kafka/chat_event_envelope.ts";
import { decodeUserChange } from "../kafka/user_event_consumer.ts";

export class InProcessChatEventPublisher implements MessageEventPublisher, ChannelEventPublisher {
  constructor(private readonly bus: InProcessEventBus) {}

  publish(event: MessageEvent): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }

  publishChannelCreated(event: ChannelCreated): Promise<void> {
    return this.bus.publish([toRecord(event)]);
  }
}

/** Fan-out: every chat event to local delivery. A delivery failure is logged, like on Kafka. */
export function subscribeChatEvents(
  bus: InProcessEventBus,
  onEvent: (event: ChatEvent) => Promise<void> | void,
  logger: Logger,
): BusSubscription {
  return bus.subscribe(CHAT_MESSAGE_TOPICS, async (record) => {
    const decoded = decodeChatEvent(record.value);
    if (!decoded.ok) {
      logger.warn("skipping undecodable chat event", {
        topic: record.topic,
        reason: decoded.error.message,
      });
      return;
    }
    if (decoded.value === null) return;
    try {
      await onEvent(decoded.value);
    } catch (error) {
      logger.error("delivering a chat event failed", { error, topic: record.topic });
    }
  });
}

/** User changes to the replica and cache. A failure reaches the publisher (the outbox retries). */
export function subscribeUserChanges(
  bus: InProcessEventBus,
  onChange: (change: UserChange) => Promise<void> | void,
  logger: Logger,
): BusSubscription {
  return bus.subscribe([USER_EVENTS_TOPIC], async (record) => {
    const decoded = decodeUserChange(record.value);
    if (!decoded.ok) {
      logger.warn("skipping undecodable user event", { reason: decoded.error.message });
      return;
    }
    if (decoded.value !== null) await onChange(decoded.value);
  });
}
