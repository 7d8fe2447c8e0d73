/**
 * A channel as clients see it, the same over HTTP and in the WebSocket's sidebar frames
 * (`channel_added`, `channel_created`): one conversion, so the two can never drift apart.
 */
import type { Channel } from "../domain/channel/models.ts";

export interface WireChannel {
  id: string;
  type: "public" | "private" | "direct";
  name?: string;
  description?: string | null;
  created_by: string;
  created_at: string;
  members?: string[];
}

export function toWireChannel(channel: Channel): WireChannel {
  const base = {
    id: channel.id,
    type: channel.type,
    created_by: channel.createdBy,
    created_at: channel.createdAt.toISOString(),
  };
  switch (channel.type) {
    case "public":
      return { ...base, name: channel.name, description: channel.description };
    case "private":
      return {
        ...base,
        name: channel.name,
        description: channel.description,
        members: [...channel.members],
      };
    case "direct":
      return { ...base, members: [...channel.members] };
    default: {
      const unknown: never = channel;
      return unknown;
    }
  }
}
