/**
 * `presence.reports` records as reports, and transitions as `presence.changes` records: the one
 * translation, used by the Kafka and the in-process adapters alike.
 */
import {
  type DecodeError,
  decoderFor,
  encodeEvent,
  type OutgoingRecord,
  PRESENCE_CHANGES_TOPIC,
  PresenceReport as WireReport,
} from "@chat-ts/shared/events";
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { PresenceChanged } from "../../domain/presence/events.ts";
import {
  ConnectionKey,
  type LiveConnection,
  type PresenceReport,
  UserId,
} from "../../domain/presence/models.ts";

export function fromEnvelope(event: WireReport): Result<PresenceReport, DecodeError> {
  const invalid = (message: string) =>
    err({ kind: "invalid_event" as const, eventType: event.event_type, message });
  const at = new Date(event.at);
  if (event.event_type === "instance_heartbeat") {
    const connections: LiveConnection[] = [];
    for (const c of event.connections) {
      const userId = UserId.parse(c.user_id);
      if (!userId.ok) return invalid(userId.error.message);
      connections.push({
        userId: userId.value,
        connection: ConnectionKey.of(event.instance_id, c.connection_id),
        status: c.status,
      });
    }
    return ok({ type: "heartbeat", connections, at });
  }
  const userId = UserId.parse(event.user_id);
  if (!userId.ok) return invalid(userId.error.message);
  const connection = ConnectionKey.of(event.instance_id, event.connection_id);
  switch (event.event_type) {
    case "connection_opened":
      return ok({ type: "connected", userId: userId.value, connection, status: event.status, at });
    case "connection_closed":
      return ok({ type: "disconnected", userId: userId.value, connection, at });
    case "connection_status_set":
      return ok({
        type: "status_set",
        userId: userId.value,
        connection,
        status: event.status,
        active: event.active,
        at,
      });
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A `presence.reports` record value as its report; null for another event type. */
export const decodePresenceReport = decoderFor(WireReport, fromEnvelope);

export function toRecord(event: PresenceChanged): OutgoingRecord {
  const { presence } = event;
  return {
    topic: PRESENCE_CHANGES_TOPIC,
    key: event.userId,
    value: encodeEvent({
      event_type: "presence_changed",
      event_id: event.eventId,
      user_id: event.userId,
      status: presence.status,
      last_seen: presence.lastSeen === null ? null : presence.lastSeen.toISOString(),
      at: presence.since.toISOString(),
    }),
  };
}
