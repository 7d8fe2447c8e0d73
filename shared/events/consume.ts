/**
 * The one way chat-ts reads events, from Kafka or the in-process bus:
 * `consume(decode, handle)` turns a record into a domain value once, at the
 * edge, and hands it on. An undecodable record is logged once and skipped; a
 * type this reader does not handle (decoded as null, or unknown to the codec:
 * a newer producer) is skipped quietly.
 */
import type { Logger } from "../logger.ts";
import { isRequestId, REQUEST_ID_HEADER, withRequestId } from "../request_context.ts";
import type { Result } from "../result.ts";
import type { DecodeError } from "./codec.ts";

export type RecordValue = Uint8Array | string | null | undefined;

/** Kafka hands header values over as bytes, the in-process bus as text. */
export type RecordHeaders = Readonly<
  Record<string, Uint8Array | string | readonly (Uint8Array | string)[] | undefined>
>;

/** One record as both transports hand it over. */
export interface EventRecord {
  readonly topic: string;
  readonly value: RecordValue;
  readonly key?: Uint8Array | string | null;
  /** `recipients` (chat events), `x-request-id` (the request that made the event). */
  readonly headers?: RecordHeaders;
  /** Kafka only: where the record is, for the log. */
  readonly partition?: number;
  readonly offset?: string;
}

/** A record value as the domain value it carries; null for a type this reader ignores. */
export type Decode<T> = (value: RecordValue) => Result<T | null, DecodeError>;

export type RecordHandler = (record: EventRecord) => Promise<void>;

export interface ConsumeOptions {
  readonly logger: Logger;
  /**
   * What a failing handler means. `retry`: the record is not handled (Kafka
   * delivers it again; the bus's publisher hears of it and retries). `skip`:
   * logged and dropped, for readers whose work is best effort (live delivery).
   */
  readonly onFailure: "retry" | "skip";
  /**
   * Whether this reader wants the record, decided from its key and headers before the value is
   * decoded (a fan-out reader skips, for the cost of a lookup, what no local socket waits for).
   */
  readonly wanted?: (record: EventRecord) => boolean;
}

const text = new TextDecoder();

/** A record's key as text; undefined when it has none. */
export function recordKey(record: EventRecord): string | undefined {
  const key = record.key;
  if (key === undefined || key === null) return undefined;
  return typeof key === "string" ? key : text.decode(key);
}

/** A record header's (first) value as text; undefined when the record does not carry it. */
export function recordHeader(record: EventRecord, name: string): string | undefined {
  const raw = record.headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  return value.length === 0 ? "" : text.decode(value);
}

export function consume<T>(
  decode: Decode<T>,
  handle: (value: T) => Promise<void> | void,
  options: ConsumeOptions,
): RecordHandler {
  const { logger, onFailure, wanted } = options;
  const handleRecord = handleOne(decode, handle, logger, onFailure);
  return (record) => {
    if (wanted !== undefined && !wanted(record)) return Promise.resolve();
    // The request that made the event, on every log line of its handling (docs/gateway.md).
    const requestId = recordHeader(record, REQUEST_ID_HEADER);
    return isRequestId(requestId)
      ? withRequestId(requestId, () => handleRecord(record))
      : handleRecord(record);
  };
}

function handleOne<T>(
  decode: Decode<T>,
  handle: (value: T) => Promise<void> | void,
  logger: Logger,
  onFailure: ConsumeOptions["onFailure"],
): RecordHandler {
  return async (record) => {
    const decoded = decode(record.value);
    if (!decoded.ok) {
      if (decoded.error.kind === "unknown_event_type") {
        logger.debug("skipping an event of a type this reader does not know", {
          ...where(record),
          event_type: decoded.error.eventType,
        });
      } else {
        logger.warn("skipping undecodable event", {
          ...where(record),
          reason: decoded.error.message,
        });
      }
      return;
    }
    if (decoded.value === null) return;
    if (onFailure === "retry") {
      await handle(decoded.value);
      return;
    }
    try {
      await handle(decoded.value);
    } catch (error) {
      logger.error("handling an event failed; skipped", { ...where(record), error });
    }
  };
}

/** Where a record is, for the log (built only when something is logged). */
function where(record: EventRecord): Record<string, string | number> {
  return {
    topic: record.topic,
    ...(record.partition === undefined ? {} : { partition: record.partition }),
    ...(record.offset === undefined ? {} : { offset: record.offset }),
  };
}

/**
 * Who a consumer group belongs to. `deployment`: shared by every instance and outliving each of
 * them, it is how a deployment resumes where it stopped. `instance`: named after one instance
 * (`…-<INSTANCE_ID>`), it means nothing once that instance has stopped, so stopping deletes it.
 */
export type GroupOwner = "deployment" | "instance";

/** What a reader asks of an event source: its group, topics and start. */
export interface Subscription {
  /** The consumer group: one per deployment (each event once) or per instance (every event). */
  readonly group: string;
  /** Required, so every reader decides whether its group outlives the instance. */
  readonly owner: GroupOwner;
  readonly topics: readonly string[];
  /** From the oldest retained record, or only what is published from now on. */
  readonly fromBeginning: boolean;
  readonly handle: RecordHandler;
  /** Kafka fetch tuning for high-volume readers; the bus ignores it. */
  readonly fetch?: {
    readonly minBytes: number;
    readonly maxWaitMs: number;
    readonly partitionsConsumedConcurrently: number;
  };
}

export interface RunningSubscription {
  readonly group: string;
  readonly topics: readonly string[];
  /** Commits what was handled and stops reading; an instance's own group is then deleted. */
  stop(): Promise<void>;
}

/** Kafka consumer groups, or the in-process bus. */
export interface EventSource {
  /** Resolves once reading has started, so nothing published afterwards is missed. */
  subscribe(subscription: Subscription): Promise<RunningSubscription>;
}
