/**
 * Where a producer's records go, Kafka or the in-process bus: for producers that only need to
 * hand over keyed, encoded records (presence reports and changes, typing notices).
 */
import type { BusRecord, InProcessEventBus } from "./in_process_bus.ts";

export type OutgoingRecord = BusRecord;

export interface RecordSink {
  /** Resolves once the records are acknowledged (Kafka) or handled (bus). */
  send(records: readonly OutgoingRecord[]): Promise<void>;
}

export function busRecordSink(bus: InProcessEventBus): RecordSink {
  return { send: (records) => bus.publish(records) };
}
