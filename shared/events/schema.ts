/** What every Kafka event shares (DESIGN §5): its `event_type` tag and an `event_id` to deduplicate on. */
import { z } from "zod";

/** An instant with its offset, as every event carries it. */
export const timestamp = z.iso.datetime({ offset: true });

/** The schema of one event type: the shared header, then the event's own fields in order. */
export function eventSchema<const EventType extends string, Fields extends z.ZodRawShape>(
  eventType: EventType,
  fields: Fields,
) {
  return z.object({ event_type: z.literal(eventType), event_id: z.uuid(), ...fields });
}
