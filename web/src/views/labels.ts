/** How channels are named on screen. */
import type { Channel } from "../api.ts";
import type { Store } from "../state.ts";

/** `# name`, `🔒 name`, or `@ username` of the other person in a direct conversation. */
export function channelLabel(store: Store, channel: Channel): { icon: string; name: string } {
  switch (channel.type) {
    case "public":
      return { icon: "#", name: channel.name ?? channel.id };
    case "private":
      return { icon: "🔒", name: channel.name ?? channel.id };
    case "direct": {
      const other = channel.members?.find((m) => m !== store.me) ?? store.me;
      const name = other === store.me
        ? store.session?.user.username
        : other === undefined
        ? undefined
        : store.usernames.get(other);
      return { icon: "@", name: name ?? "direct message" };
    }
    default: {
      const unknown: never = channel.type;
      return unknown;
    }
  }
}

/** The other person of a direct conversation, or undefined for other channels. */
export function directPartner(store: Store, channel: Channel): string | undefined {
  if (channel.type !== "direct") return undefined;
  return channel.members?.find((m) => m !== store.me);
}

/** "online", "away", "last seen 5 min ago", or undefined when not known yet. */
export function presenceText(store: Store, userId: string, now = Date.now()): string | undefined {
  const presence = store.presence.get(userId);
  if (presence === undefined) return undefined;
  if (presence.status !== "offline") return presence.status;
  if (presence.lastSeen === null) return "offline";
  return `last seen ${ago(now - Date.parse(presence.lastSeen))}`;
}

function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
