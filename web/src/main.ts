/** The browser client: wires the store, the API, the live socket and the views together. */
import { createApi } from "./api.ts";
import { Chat } from "./chat.ts";
import { loadSession, saveSession } from "./session_store.ts";
import { Store } from "./state.ts";
import { mountComposer } from "./views/composer.ts";
import { mountConversation } from "./views/conversation.ts";
import { byId } from "./views/dom.ts";
import { mountLogin } from "./views/login.ts";
import { mountSidebar, unreadText } from "./views/sidebar.ts";
import { mountStatus } from "./views/status.ts";

const CHANNEL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function main(): void {
  const store = new Store();
  // One refresh at a time: concurrent 401s wait for the same new token.
  let refreshing: Promise<boolean> | undefined;
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      const current = store.session;
      if (current === undefined || current.refresh_token === "") return false;
      try {
        const next = await api.refresh(current.refresh_token);
        if (store.session?.refresh_token !== current.refresh_token) return false; // logged out
        store.session = next;
        saveSession(next);
        return true;
      } catch {
        return false;
      }
    })().finally(() => refreshing = undefined);
    return refreshing;
  };
  const api = createApi(location.origin, { token: () => store.session?.token, refresh });
  const chat = new Chat(store, api);

  mountStatus(store);
  mountLogin(store, chat);
  mountSidebar(store, chat);
  mountComposer(store, chat, mountConversation(store, chat));

  const shell = byId("shell", HTMLDivElement);
  store.on("session", () => {
    shell.hidden = store.session === undefined;
  });

  // The open channel lives in the address (#<channel id>), so a reload or a link reopens it.
  const openFromAddress = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (store.session !== undefined && CHANNEL_ID.test(id) && id !== store.selectedId) {
      void chat.open(id);
    }
  };
  store.on("selection", () => {
    const id = store.selectedId;
    if (id !== undefined && location.hash !== `#${id}`) history.replaceState(null, "", `#${id}`);
  });
  store.on("session", () => {
    if (store.session === undefined && location.hash !== "") {
      history.replaceState(null, "", location.pathname);
    }
  });
  addEventListener("hashchange", openFromAddress);

  // Unread messages in other channels (or any, while the tab is hidden) show in the tab's
  // title and as a dot on the favicon: red for a mention of me, blue for other messages.
  const favicon = byId("favicon", HTMLLinkElement);
  const showUnread = () => {
    let unread = 0;
    let mentions = 0;
    for (const conversation of store.conversations()) {
      unread += conversation.unread;
      mentions += conversation.mentions;
    }
    document.title = unread > 0 ? `(${unreadText(unread)}) chat-ts` : "chat-ts";
    const state = mentions > 0 ? "mention" : unread > 0 ? "unread" : "read";
    if (favicon.dataset.state !== state) {
      favicon.dataset.state = state;
      favicon.href = faviconOf(state);
    }
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) chat.seen();
  });
  store.on("channels", showUnread);
  // Back to a tab whose open channel got messages while hidden: they are read now.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) chat.readSelected();
  });
  store.on("selection", showUnread);
  store.on("session", showUnread);

  store.session = loadSession();
  if (store.session === undefined) {
    store.emit("session");
  } else {
    // A reload: the address's channel, if it names one, else the default channel.
    void chat.start(!CHANNEL_ID.test(decodeURIComponent(location.hash.slice(1))))
      .then(openFromAddress);
  }
}

/** The app's icon, a speech bubble, with a dot when something is unread. */
function faviconOf(state: "read" | "unread" | "mention"): string {
  const dot = state === "read"
    ? ""
    : `<circle cx="25" cy="7" r="7" fill="${state === "mention" ? "#d93025" : "#1a73e8"}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<path d="M4 6h20a3 3 0 0 1 3 3v11a3 3 0 0 1-3 3H13l-6 5v-5H4a3 3 0 0 1-3-3V9a3 3 0 0 1 3-3z"` +
    ` fill="#5f6368"/>${dot}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

main();
