/**
 * Browser notifications of mentions and direct messages while the tab is hidden. They are
 * off until the user turns them on with "Enable notifications" (the browser's permission is
 * asked then, never on page load); the choice is remembered in this browser.
 */
import type { Store } from "../state.ts";
import type { Alert } from "./subscriptions.ts";

const OPT_IN_KEY = "chat-ts.notifications";
/** Messages already notified, so a mention in a direct channel shows once. */
const REMEMBERED = 200;

export type NotificationState = "unsupported" | "off" | "on" | "denied";

export class Notifications {
  readonly #shown: string[] = [];

  constructor(
    private readonly store: Store,
    private readonly open: (channelId: string) => void,
  ) {}

  get state(): NotificationState {
    if (typeof Notification === "undefined") return "unsupported";
    if (Notification.permission === "denied") return "denied";
    return Notification.permission === "granted" && localStorage.getItem(OPT_IN_KEY) === "on"
      ? "on"
      : "off";
  }

  /** Asks the browser's permission (call from a click) and remembers the choice. */
  async enable(): Promise<NotificationState> {
    if (typeof Notification === "undefined") return "unsupported";
    const permission = await Notification.requestPermission();
    if (permission === "granted") localStorage.setItem(OPT_IN_KEY, "on");
    return this.state;
  }

  disable(): void {
    localStorage.removeItem(OPT_IN_KEY);
  }

  show(alert: Alert): void {
    if (!document.hidden || this.state !== "on") return;
    if (this.#shown.includes(alert.messageId)) return;
    this.#shown.push(alert.messageId);
    if (this.#shown.length > REMEMBERED) this.#shown.shift();
    const author = alert.author ?? "Someone";
    const channel = this.store.channel(alert.channelId);
    const where = channel?.name === undefined ? "" : ` in #${channel.name}`;
    const title = alert.kind === "mention"
      ? `${author} mentioned you${where}`
      : `${author} sent you a message`;
    const notification = new Notification(title, {
      body: [...alert.text].slice(0, 200).join(""),
      tag: alert.messageId,
    });
    notification.addEventListener("click", () => {
      globalThis.focus();
      this.open(alert.channelId);
      notification.close();
    });
  }
}
