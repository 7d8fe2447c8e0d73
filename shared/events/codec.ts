/**
 * The one Kafka envelope codec: a record value is one JSON object tagged by
 * `event_type`. Decoding never throws: an unknown `event_type` or a malformed
 * record is reported so the consumer can log it and move on.
 */
import { z } from "zod";
import { err, ok, type Result } from "../result.ts";
import { ChatEvent } from "./chat_events.ts";
import { PresenceEvent } from "./presence_events.ts";
import { UserEvent } from "./user_events.ts";

export const Event = z.union([UserEvent, ChatEvent, PresenceEvent]);
export type Event = z.infer<typeof Event>;
export type EventType = Event["event_type"];

export type DecodeError =
  | { readonly kind: "not_json"; readonly message: string }
  | { readonly kind: "unknown_event_type"; readonly eventType: string; readonly message: string }
  | { readonly kind: "invalid_event"; readonly eventType: string; readonly message: string };

const schemas = new Map<string, z.ZodType<Event>>(
  [...UserEvent.options, ...ChatEvent.options, ...PresenceEvent.options].map((
    s,
  ) => [s.shape.event_type.value, s]),
);

export function encodeEvent(event: Event): string {
  return JSON.stringify(event);
}

const decoder = new TextDecoder();
// Built once: building a zod schema costs more than using it (this ran per record).
const Tagged = z.object({ event_type: z.string() });

export function decodeEvent(
  value: Uint8Array | string | null | undefined,
): Result<Event, DecodeError> {
  if (value === null || value === undefined) {
    return err({ kind: "not_json", message: "record has no value" });
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof value === "string" ? value : decoder.decode(value));
  } catch (error) {
    return err({
      kind: "not_json",
      message: error instanceof Error ? error.message : String(error),
    });
  }
  const tag = Tagged.safeParse(json);
  if (!tag.success) {
    return err({ kind: "unknown_event_type", eventType: "", message: "record has no event_type" });
  }
  const schema = schemas.get(tag.data.event_type);
  if (schema === undefined) {
    return err({
      kind: "unknown_event_type",
      eventType: tag.data.event_type,
      message: `unknown event_type "${tag.data.event_type}"`,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return err({
      kind: "invalid_event",
      eventType: tag.data.event_type,
      message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    });
  }
  return ok(parsed.data);
}

type EventOf<K extends EventType> = Extract<Event, { event_type: K }>;

/** A union of event schemas (`UserEvent`, `PresenceReport`, …): a reader may handle all of it. */
interface EventFamily<K extends EventType> {
  readonly options: readonly { readonly shape: { readonly event_type: { readonly value: K } } }[];
}

/**
 * A record decoder for the event types one reader handles (listed, or a whole union): others
 * decode to null (skipped), these through the reader's own `fromEnvelope`.
 */
export function decoderFor<K extends EventType, T>(
  types: readonly K[] | EventFamily<K>,
  fromEnvelope: (event: EventOf<K>) => Result<T, DecodeError>,
): (value: Uint8Array | string | null | undefined) => Result<T | null, DecodeError> {
  const wanted = new Set<EventType>(
    "options" in types ? types.options.map((o) => o.shape.event_type.value) : types,
  );
  const handles = (event: Event): event is EventOf<K> => wanted.has(event.event_type);
  return (value) => {
    const decoded = decodeEvent(value);
    if (!decoded.ok) return decoded;
    return handles(decoded.value) ? fromEnvelope(decoded.value) : ok(null);
  };
}
