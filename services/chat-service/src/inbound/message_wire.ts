/**
 * A message as clients see it, the same over HTTP and WebSocket (DESIGN §3,
 * §4): one conversion, so the two can never drift apart.
 */
import type { MessageView } from "../domain/message/models.ts";

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
  };
}
