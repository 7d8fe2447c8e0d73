/**
 * The chat publisher ports over one step: every chat event, whatever port method announces it,
 * becomes its `chat.messages.*` record the same way (`toRecord`), so an adapter says only how
 * an event is recorded (produced to Kafka, appended to the outbox).
 */
import type { ChannelCreated, MembershipEvent } from "../../domain/channel/events.ts";
import type { ChannelEventPublisher } from "../../domain/channel/ports.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageEventPublisher } from "../../domain/message/ports.ts";
import type { ReadMarked } from "../../domain/read/events.ts";
import type { ChatEventSent } from "./chat_envelope.ts";

export abstract class ChatEventRecorder implements MessageEventPublisher, ChannelEventPublisher {
  publish(event: MessageEvent): Promise<void> {
    return this.record(event);
  }

  publishChannelCreated(event: ChannelCreated): Promise<void> {
    return this.record(event);
  }

  publishMembership(event: MembershipEvent): Promise<void> {
    return this.record(event);
  }

  publishReadMarked(event: ReadMarked): Promise<void> {
    return this.record(event);
  }

  /** Resolves once the event is recorded as the adapter promises (acknowledged, or stored). */
  protected abstract record(event: ChatEventSent): Promise<void>;
}
