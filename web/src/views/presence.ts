/** A user's presence as a dot: green online, amber away, hollow offline or unknown. */
import type { Store } from "../state.ts";
import { el } from "./dom.ts";
import { presenceText } from "./labels.ts";

export function presenceDot(store: Store, userId: string): HTMLElement {
  const status = store.presence.get(userId)?.status ?? "unknown";
  const text = presenceText(store, userId) ?? "status unknown";
  return el("span", {
    class: "presence-dot",
    "data-status": status,
    "data-user": userId,
    role: "img",
    "aria-label": text,
    title: text,
  });
}

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}
