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
