/**
 * A message as clients see it, the same over HTTP and WebSocket (DESIGN §3,
 * §4): one conversion, so the two can never drift apart.
 */
import type { MessageView, Quote } from "../domain/message/models.ts";

export interface WireMessage {
  id: string;
  channel_id: string;
  user_id: string;
  username: string | null;
  content: string;
  timestamp: string;
  client_id?: string;
  edited_at: string | null;
  reactions: { emoji: string; count: number; me: boolean }[];
  reply_to: WireQuote | null;
  mentions: string[];
}

/** `user_id`, `username` and `preview` are null when the original was deleted. */
export interface WireQuote {
  id: string;
  deleted: boolean;
  user_id: string | null;
  username: string | null;
  preview: string | null;
}

export function toWireMessage(m: MessageView): WireMessage {
  return {
    id: m.id,
    channel_id: m.channelId,
    user_id: m.userId,
    username: m.username,
    content: m.content,
    timestamp: m.timestamp.toISOString(),
    ...(m.clientId === undefined ? {} : { client_id: m.clientId }),
    edited_at: m.editedAt?.toISOString() ?? null,
    reactions: m.reactions.map((r) => ({ emoji: r.emoji, count: r.count, me: r.me })),
    reply_to: m.quote === null ? null : toWireQuote(m.quote),
    mentions: [...(m.mentions ?? [])],
  };
}

function toWireQuote(q: Quote): WireQuote {
  return q.deleted
    ? { id: q.id, deleted: true, user_id: null, username: null, preview: null }
    : { id: q.id, deleted: false, user_id: q.userId, username: q.username, preview: q.preview };
}
