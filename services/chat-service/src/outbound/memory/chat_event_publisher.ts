/**
 * chat events on the embedded mode's in-process bus: the same topics, keys
 * and envelopes as on Kafka (see outbound/envelopes), without a broker.
 */
import type { InProcessEventBus } from "@chat-ts/shared/events";
import { type ChatEventSent, toRecord } from "../envelopes/chat_envelope.ts";
import { ChatEventRecorder } from "../envelopes/chat_event_recorder.ts";
import type { ChatRecord } from "../postgres/chat_outbox.ts";

export class InProcessChatEventPublisher extends ChatEventRecorder {
  constructor(private readonly bus: InProcessEventBus) {
    super();
  }

  protected record(event: ChatEventSent): Promise<void> {
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
