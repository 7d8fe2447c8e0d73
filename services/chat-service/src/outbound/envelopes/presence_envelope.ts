/**
 * Presence records as chat-service reads and writes them: `presence.changes` and `chat.typing`
 * in, `presence.reports` and `chat.typing` out. The one translation, for Kafka and the bus.
 */
import {
  CHAT_TYPING_TOPIC,
  type DecodeError,
  decoderFor,
  encodeEvent,
  type OutgoingRecord,
  PRESENCE_REPORTS_TOPIC,
  type PresenceChanged,
  type PresenceReport,
  type UserTyping,
} from "@chat-ts/shared/events";
import { err, ok, type Result } from "@chat-ts/shared/result";
import { ChannelId, UserId } from "../../domain/ids.ts";
import type {
  PresenceChange,
  ReportedConnection,
  TypingNotice,
} from "../../domain/presence/models.ts";

const invalid = (eventType: string, message: string) =>
  err({ kind: "invalid_event" as const, eventType, message });

export const decodePresenceChange = decoderFor(
  ["presence_changed"],
  (event: PresenceChanged): Result<PresenceChange, DecodeError> => {
    const userId = UserId.parse(event.user_id);
    if (!userId.ok) return invalid(event.event_type, userId.error.message);
    return ok({
      userId: userId.value,
      status: event.status,
      lastSeen: event.last_seen === undefined || event.last_seen === null
        ? null
        : new Date(event.last_seen),
    });
  },
);

export const decodeTypingNotice = decoderFor(
  ["user_typing"],
  (event: UserTyping): Result<TypingNotice, DecodeError> => {
    const userId = UserId.parse(event.user_id);
    if (!userId.ok) return invalid(event.event_type, userId.error.message);
    const channelId = ChannelId.parse(event.channel_id);
    if (!channelId.ok) return invalid(event.event_type, channelId.error.message);
    return ok({
      eventId: event.event_id,
      channelId: channelId.value,
      userId: userId.value,
      username: event.username,
      at: new Date(event.at),
    });
  },
);

export function typingRecord(notice: TypingNotice): OutgoingRecord {
  return {
    topic: CHAT_TYPING_TOPIC,
    key: notice.channelId,
    value: encodeEvent({
      event_type: "user_typing",
      event_id: notice.eventId,
      channel_id: notice.channelId,
      user_id: notice.userId,
      username: notice.username,
      at: notice.at.toISOString(),
    }),
  };
}

/** Reports are keyed by instance: one instance's reports stay in order on one partition. */
export type ConnectionReport =
  | { readonly type: "opened" | "closed"; readonly connection: ReportedConnection }
  | {
    readonly type: "status_set";
    readonly connection: ReportedConnection;
    readonly active: boolean;
  }
  | { readonly type: "heartbeat"; readonly connections: readonly ReportedConnection[] };

export function reportRecord(
  instanceId: string,
  report: ConnectionReport,
  at: Date,
): OutgoingRecord {
  const base = { event_id: crypto.randomUUID(), instance_id: instanceId, at: at.toISOString() };
  const of = (c: ReportedConnection) => ({ connection_id: c.connectionId, user_id: c.userId });
  /** A connection with the status its client declared on it. */
  const declared = (c: ReportedConnection) => ({ ...of(c), status: c.status });
  const event = ((): PresenceReport => {
    switch (report.type) {
      case "opened":
        return { event_type: "connection_opened", ...base, ...declared(report.connection) };
      case "closed":
        return { event_type: "connection_closed", ...base, ...of(report.connection) };
      case "status_set": {
        const connection = declared(report.connection);
        return {
          event_type: "connection_status_set",
          ...base,
          ...connection,
          active: report.active,
        };
      }
      case "heartbeat":
        return {
          event_type: "instance_heartbeat",
          ...base,
          connections: report.connections.map(declared),
        };
      default: {
        const unknown: never = report;
        return unknown;
      }
    }
  })();
  return { topic: PRESENCE_REPORTS_TOPIC, key: instanceId, value: encodeEvent(event) };
}
