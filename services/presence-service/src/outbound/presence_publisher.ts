/** Transitions on `presence.changes`, through Kafka or the in-process bus (a `RecordSink`). */
import type { RecordSink } from "@chat-ts/shared/events";
import type { PresenceChanged } from "../domain/presence/events.ts";
import type { PresenceEventPublisher } from "../domain/presence/ports.ts";
import { toRecord } from "./envelopes/presence_envelope.ts";

export class PresenceChangePublisher implements PresenceEventPublisher {
  constructor(private readonly sink: RecordSink) {}

  publish(event: PresenceChanged): Promise<void> {
    return this.sink.send([toRecord(event)]);
  }
}
