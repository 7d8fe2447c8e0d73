/** The connection banner ("Reconnecting…") and the notice line for errors and news. */
import type { Store } from "../state.ts";
import { byId } from "./dom.ts";

const NOTICE_MS = 10_000;

export function mountStatus(store: Store): void {
  const banner = byId("banner", HTMLDivElement);
  const dot = byId("status-dot", HTMLSpanElement);
  const notice = byId("notice", HTMLDivElement);
  const noticeText = byId("notice-text", HTMLSpanElement);
  let hideTimer: ReturnType<typeof setTimeout> | undefined;

  const showConnection = () => {
    const status = store.session === undefined ? "offline" : store.connection;
    dot.dataset.status = status;
    dot.title = {
      offline: "Offline",
      connecting: "Connecting",
      online: "Live",
      reconnecting: "Reconnecting",
    }[status];
    banner.hidden = status !== "reconnecting";
    banner.textContent = "Connection lost — reconnecting…";
  };

  const showNotice = () => {
    clearTimeout(hideTimer);
    const current = store.notice;
    notice.hidden = current === undefined;
    if (current === undefined) return;
    notice.dataset.kind = current.kind;
    noticeText.textContent = current.text;
    hideTimer = setTimeout(() => store.setNotice(undefined), NOTICE_MS);
  };

  byId("notice-close", HTMLButtonElement).addEventListener(
    "click",
    () => store.setNotice(undefined),
  );
  store.on("connection", showConnection);
  store.on("session", showConnection);
  store.on("notice", showNotice);
  showConnection();
  showNotice();
}
