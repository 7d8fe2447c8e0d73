/**
 * The open conversation: its header, the messages (oldest at the top, loading older pages
 * when scrolled to the top), and the state of messages still being sent.
 */
import type { Message } from "../api.ts";
import type { Chat } from "../chat.ts";
import type { Outgoing, Store } from "../state.ts";
import { renderContent } from "./markdown.ts";
import { busy, byId, dayOf, el, field, fullTimeOf, showFormError, timeOf } from "./dom.ts";
import { channelLabel, directPartner, presenceText } from "./labels.ts";
import { presenceDot, typingText } from "./presence.ts";
import { attachUserPicker } from "./user_picker.ts";

/** Scrolled this close to an edge counts as being at it. */
const EDGE_PX = 80;
/** A touch held this long opens a message's menu (the long press of phones). */
const LONG_PRESS_MS = 500;
/** Messages of one sender this close together show one name and time. */
const GROUP_MS = 5 * 60_000;

/** Older pages loaded at most to bring back the place a reader had before a reload. */
const RESTORE_PAGES = 10;
const PLACE_KEY = "chat-ts.place";

interface Place {
  readonly channelId: string;
  readonly messageId: string;
  /** Its distance from the top of the pane, in pixels. */
  readonly top: number;
}

function readPlace(): Place | undefined {
  try {
    const raw: unknown = JSON.parse(sessionStorage.getItem(PLACE_KEY) ?? "null");
    if (
      typeof raw !== "object" || raw === null || !("channelId" in raw) ||
      !("messageId" in raw) || !("top" in raw)
    ) return undefined;
    const { channelId, messageId, top } = raw;
    return typeof channelId === "string" && typeof messageId === "string" &&
        typeof top === "number"
      ? { channelId, messageId, top }
      : undefined;
  } catch {
    return undefined;
  }
}

function savePlace(place: Place): void {
  try {
    sessionStorage.setItem(PLACE_KEY, JSON.stringify(place));
  } catch { /* storage full or disabled: a reload starts at the newest */ }
}

/** The emoji the React menu offers (any RGI emoji is accepted by the API). */
const PALETTE = ["👍", "❤️", "😂", "🎉", "👀", "🔥", "🚀", "🙏"];

/** What the composer may ask of the conversation. */
export interface ConversationControls {
  /** ↑ in an empty composer: edit my newest message; false when there is none. */
  editLast(): boolean;
}

export function mountConversation(store: Store, chat: Chat): ConversationControls {
  const empty = byId("empty-pane", HTMLDivElement);
  const header = byId("pane-header", HTMLElement);
  const title = byId("channel-title", HTMLHeadingElement);
  const live = byId("channel-live", HTMLSpanElement);
  const description = byId("channel-description", HTMLParagraphElement);
  const addMember = byId("add-member", HTMLFormElement);
  const memberInput = addMember.elements.namedItem("user");
  if (memberInput instanceof HTMLInputElement) attachUserPicker(memberInput, chat);
  const pane = byId("messages", HTMLDivElement);
  const historyStatus = byId("history-status", HTMLParagraphElement);
  const list = byId("message-list", HTMLOListElement);
  const composer = byId("composer", HTMLFormElement);
  const members = byId("channel-members", HTMLUListElement);
  const typingLine = byId("typing-line", HTMLParagraphElement);
  const shell = byId("shell", HTMLDivElement);
  // Phone layout: the conversation gets the screen, the channel list is a drawer.
  byId("drawer-toggle", HTMLButtonElement).addEventListener(
    "click",
    () => shell.classList.toggle("drawer-open"),
  );

  /**
   * The channel whose messages are on screen, and their elements by id: an element is
   * rebuilt only when its message changed (the store replaces an edited message) or the
   * message is being edited or its deletion confirmed.
   */
  let shownId: string | undefined;
  const nodes = new Map<string, { message: Message; mode: Mode; node: HTMLLIElement }>();
  let outgoingShown = 0;
  type Mode = "view" | "editing" | "confirming";
  let editingId: string | undefined;
  let confirmingId: string | undefined;
  const modeOf = (id: string): Mode =>
    id === editingId ? "editing" : id === confirmingId ? "confirming" : "view";

  const actionButton = (label: string, action: () => void) => {
    const button = el("button", { type: "button", class: "action", "aria-label": label }, label);
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      action();
    });
    return button;
  };

  const setMode = (id: string | undefined, mode: Mode) => {
    editingId = mode === "editing" ? id : undefined;
    confirmingId = mode === "confirming" ? id : undefined;
    renderMessages();
    if (mode === "editing" && id !== undefined) {
      const input = nodes.get(id)?.node.querySelector("textarea");
      if (input instanceof HTMLTextAreaElement) {
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
      }
    }
  };

  /** The author's editor in place of the content: Enter saves, Escape cancels. */
  const editor = (message: Message) => {
    const input = el("textarea", { class: "edit-input", "aria-label": "Edit message", rows: "2" });
    input.value = message.content;
    const error = el("p", { class: "form-error", role: "alert" });
    const save = async () => {
      if (input.value.trim() === message.content) return setMode(undefined, "view");
      input.disabled = true;
      const failed = await chat.edit(message.channel_id, message.id, input.value);
      input.disabled = false;
      if (failed === undefined) setMode(undefined, "view");
      else error.textContent = failed;
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void save();
      } else if (event.key === "Escape") {
        event.preventDefault();
        setMode(undefined, "view");
      }
    });
    return el(
      "div",
      { class: "editor" },
      input,
      el(
        "div",
        { class: "editor-actions" },
        actionButton("Save", () => void save()),
        actionButton("Cancel", () => setMode(undefined, "view")),
        el("span", { class: "hint" }, "Enter to save · Esc to cancel"),
      ),
      error,
    );
  };

  const confirmation = (message: Message) =>
    el(
      "div",
      { class: "confirm", role: "alertdialog", "aria-label": "Delete this message?" },
      el("span", {}, "Delete this message? This cannot be undone."),
      actionButton("Delete", () => {
        setMode(undefined, "view");
        void chat.deleteMessage(message.channel_id, message.id);
      }),
      actionButton("Cancel", () => setMode(undefined, "view")),
    );

  /** Scrolls to a message, loading older pages until it is there (or the beginning is). */
  const jumpTo = async (channelId: string, id: string) => {
    for (let page = 0; page < 20 && !nodes.has(id); page++) {
      const conversation = store.conversation(channelId);
      if (!conversation.hasOlder || store.selectedId !== channelId) break;
      await chat.loadOlder(channelId);
    }
    const target = nodes.get(id)?.node;
    if (target === undefined || !target.isConnected) {
      store.setNotice({ kind: "info", text: "The original message is no longer here." });
      return;
    }
    target.scrollIntoView({ block: "center" });
    target.classList.add("highlight");
    setTimeout(() => target.classList.remove("highlight"), 1500);
  };

  /** What a reply answers, as a link to it. */
  const quote = (message: Message) => {
    const q = message.reply_to;
    if (q === null) return false;
    if (q.deleted) return el("div", { class: "quote deleted" }, "↩ Original message deleted");
    const link = el(
      "button",
      { type: "button", class: "quote", title: "Show the original" },
      el("span", { class: "quote-sender" }, `↩ ${q.username ?? "unknown user"}`),
      el("span", { class: "quote-preview" }, q.preview ?? ""),
    );
    link.addEventListener("click", () => void jumpTo(message.channel_id, q.id));
    return link;
  };

  /** The message's reactions: one toggle per emoji, pressed when I am among them. */
  const reactionBar = (message: Message) => {
    const chips = message.reactions.map((r) => {
      const chip = el(
        "button",
        {
          type: "button",
          class: r.me ? "reaction me" : "reaction",
          "aria-pressed": String(r.me),
          "aria-label": `${r.emoji} ${r.count}`,
          title: r.me ? "Take your reaction back" : "React",
        },
        el("span", { class: "emoji" }, r.emoji),
        el("span", { class: "count" }, String(r.count)),
      );
      chip.addEventListener(
        "click",
        () => void chat.react(message.channel_id, message.id, r.emoji, !r.me),
      );
      return chip;
    });
    return chips.length > 0 && el("div", { class: "reactions" }, ...chips);
  };

  const palette = (message: Message) =>
    el(
      "div",
      { class: "palette", role: "group", "aria-label": "Pick a reaction" },
      ...PALETTE.map((emoji) =>
        actionButton(emoji, () => {
          const mine = message.reactions.find((r) => r.emoji === emoji)?.me ?? false;
          void chat.react(message.channel_id, message.id, emoji, !mine);
        })
      ),
    );

  /** The hover / long-press menu of a message. */
  const menu = (message: Message) => {
    const mine = message.user_id === store.me;
    const picker = palette(message);
    picker.hidden = true;
    return el(
      "div",
      { class: "actions", role: "toolbar", "aria-label": "Message actions" },
      actionButton("Reply", () => {
        chat.replyTo(message.channel_id, message.id);
        byId("composer-input", HTMLTextAreaElement).focus();
      }),
      actionButton("React", () => picker.hidden = !picker.hidden),
      picker,
      mine && actionButton("Edit", () => setMode(message.id, "editing")),
      mine && actionButton("Delete", () => setMode(message.id, "confirming")),
    );
  };

  const messageNode = (message: Message): HTMLLIElement => {
    const mode = modeOf(message.id);
    const cached = nodes.get(message.id);
    if (cached !== undefined && cached.message === message && cached.mode === mode) {
      return cached.node;
    }
    const date = new Date(message.timestamp);
    const edited = message.edited_at === null ? undefined : new Date(message.edited_at);
    const mentionsMe = store.me !== undefined && message.mentions.includes(store.me);
    const node = el(
      "li",
      {
        class: ["message", message.user_id === store.me && "mine", mentionsMe && "mentions-me"]
          .filter(Boolean).join(" "),
        "data-id": message.id,
      },
      el(
        "div",
        { class: "meta" },
        el("span", { class: "sender" }, message.username ?? "unknown user"),
        el("time", { datetime: message.timestamp, title: fullTimeOf(date) }, timeOf(date)),
        edited !== undefined &&
          el("span", { class: "edited", title: `Edited ${fullTimeOf(edited)}` }, "(edited)"),
      ),
      quote(message),
      mode === "editing" ? editor(message) : renderContent(
        message.content,
        mentionsMe ? store.session?.user.username : undefined,
      ),
      reactionBar(message),
      mode === "confirming" && confirmation(message),
      mode === "view" && menu(message),
    );
    let press: ReturnType<typeof setTimeout> | undefined;
    node.addEventListener("touchstart", () => {
      press = setTimeout(() => node.classList.toggle("show-actions"), LONG_PRESS_MS);
    }, { passive: true });
    for (const end of ["touchend", "touchmove", "touchcancel"]) {
      node.addEventListener(end, () => clearTimeout(press), { passive: true });
    }
    nodes.set(message.id, { message, mode, node });
    return node;
  };

  const outgoingNode = (outgoing: Outgoing): HTMLLIElement => {
    const failed = outgoing.status === "failed";
    const retry = el("button", { type: "button", class: "link-button" }, "Retry");
    retry.addEventListener("click", () => void chat.retry(outgoing.channelId, outgoing.clientId));
    const discard = el("button", { type: "button", class: "link-button" }, "Discard");
    discard.addEventListener("click", () => chat.discard(outgoing.channelId, outgoing.clientId));
    return el(
      "li",
      { class: `message mine ${outgoing.status}`, "data-client-id": outgoing.clientId },
      el(
        "div",
        { class: "meta" },
        el("span", { class: "sender" }, store.session?.user.username ?? ""),
        el("span", { class: "delivery" }, failed ? "Not sent" : "Sending…"),
      ),
      renderContent(outgoing.content, undefined),
      failed &&
        el("div", { class: "failure", role: "alert" }, outgoing.error ?? "", " ", retry, discard),
    );
  };

  /** The first message at least partly visible, to keep it in place when others are added. */
  /**
   * The first message on screen, by id: the anchor that keeps the view still while older pages
   * arrive above it. A message, never a day divider (dividers are rebuilt on every render).
   */
  const firstVisible = (): { id: string; top: number } | undefined => {
    for (const child of list.querySelectorAll<HTMLElement>("li.message[data-id]")) {
      if (child.offsetTop + child.offsetHeight > pane.scrollTop) {
        return { id: child.dataset.id ?? "", top: child.offsetTop - pane.scrollTop };
      }
    }
    return undefined;
  };

  const memberButton = (text: string, label: string, channelId: string, userId: string) => {
    const button = el(
      "button",
      { type: "button", class: "link-button member-action", "aria-label": label },
      text,
    );
    button.addEventListener("click", () => {
      if (!confirm(`${label}?`)) return;
      button.disabled = true;
      void chat.removeMember(channelId, userId).finally(() => button.disabled = false);
    });
    return button;
  };

  const renderHeader = () => {
    const id = store.selectedId;
    shell.classList.toggle("conversation-open", id !== undefined);
    const channel = id === undefined ? undefined : store.channel(id);
    empty.hidden = id !== undefined;
    header.hidden = pane.hidden = composer.hidden = id === undefined;
    if (id === undefined) return;
    if (channel === undefined) {
      title.textContent = "Loading…";
      description.textContent = "";
      addMember.hidden = true;
      return;
    }
    const label = channelLabel(store, channel);
    title.textContent = `${label.icon} ${label.name}`;
    const memberCount = channel.members?.length ?? 0;
    const partner = directPartner(store, channel);
    const partnerStatus = partner === undefined ? undefined : presenceText(store, partner);
    description.textContent = channel.type === "direct"
      ? [`Direct conversation with ${label.name}`, partnerStatus].filter(Boolean).join(" · ")
      : channel.type === "private"
      ? [channel.description, `Private · ${memberCount} member${memberCount === 1 ? "" : "s"}`]
        .filter(Boolean).join(" · ")
      : channel.description ?? "Public channel";
    members.hidden = channel.type !== "private";
    members.replaceChildren(
      ...(channel.type === "private" ? channel.members ?? [] : []).map((member) => {
        const name = member === store.me
          ? `${store.session?.user.username ?? ""} (you)`
          : store.usernames.get(member) ?? "…";
        if (member !== store.me && !store.usernames.has(member)) chat.lookUpUser(member);
        // The creator removes others; anyone leaves.
        const action = member === store.me
          ? memberButton("Leave", `Leave ${label.name}`, channel.id, member)
          : channel.created_by === store.me
          ? memberButton("Remove", `Remove ${name} from ${label.name}`, channel.id, member)
          : undefined;
        return el(
          "li",
          { class: "member" },
          member === store.me
            ? el("span", { class: "presence-dot", "data-status": "online" })
            : presenceDot(store, member),
          el("span", {}, name),
          action,
        );
      }),
    );
    addMember.hidden = channel.type !== "private";
    const input = byId("composer-input", HTMLTextAreaElement);
    input.placeholder = `Message ${label.icon} ${label.name}`;
    renderLive();
  };

  const renderLive = () => {
    const id = store.selectedId;
    if (id === undefined) return;
    const isLive = store.conversation(id).live;
    live.dataset.live = String(isLive);
    live.textContent = isLive
      ? "live"
      : store.connection === "online"
      ? "joining…"
      : store.connection === "reconnecting"
      ? "reconnecting…"
      : "connecting…";
  };

  /**
   * Where the reader was (the first message on screen) survives a reload: kept in
   * sessionStorage while scrolling, restored the first time the channel is shown again, loading
   * older pages until its message is there (at most `RESTORE_PAGES`).
   */
  let place = readPlace();
  let restorePages = 0;
  const restore = (id: string): boolean => {
    if (place === undefined || place.channelId !== id) return false;
    const conversation = store.conversation(id);
    const node = list.querySelector<HTMLElement>(`li.message[data-id="${place.messageId}"]`);
    if (node !== null) {
      pane.scrollTop = node.offsetTop - place.top;
      place = undefined;
      return true;
    }
    if (conversation.loaded && conversation.hasOlder && restorePages < RESTORE_PAGES) {
      if (!conversation.loadingOlder) restorePages++;
      void chat.loadOlder(id);
      return true;
    }
    if (conversation.loaded) place = undefined;
    return conversation.loadingOlder || !conversation.loaded;
  };
  let placeTimer: ReturnType<typeof setTimeout> | undefined;
  pane.addEventListener("scroll", () => {
    clearTimeout(placeTimer);
    placeTimer = setTimeout(() => {
      const id = store.selectedId;
      const first = firstVisible();
      if (id === undefined || first === undefined || place?.channelId === id) return;
      savePlace({ channelId: id, messageId: first.id, top: first.top });
    }, 200);
  });

  const renderMessages = () => {
    const id = store.selectedId;
    if (id === undefined) return;
    const conversation = store.conversation(id);
    const switching = shownId !== id;
    if (switching) {
      nodes.clear();
      editingId = confirmingId = undefined;
      shownId = id;
      outgoingShown = 0;
    }
    const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < EDGE_PX;
    const anchor = switching || atBottom ? undefined : firstVisible();

    const children: HTMLLIElement[] = [];
    let lastDay = "";
    let previous: Message | undefined;
    for (const message of conversation.messages) {
      const day = dayOf(new Date(message.timestamp));
      if (day !== lastDay) children.push(el("li", { class: "day" }, el("span", {}, day)));
      const node = messageNode(message);
      node.classList.toggle(
        "grouped",
        day === lastDay && previous?.user_id === message.user_id && message.reply_to === null &&
          Date.parse(message.timestamp) - Date.parse(previous.timestamp) < GROUP_MS,
      );
      lastDay = day;
      previous = message;
      children.push(node);
    }
    for (const outgoing of conversation.outgoing.values()) children.push(outgoingNode(outgoing));
    list.replaceChildren(...children);
    const sentMore = conversation.outgoing.size > outgoingShown;
    outgoingShown = conversation.outgoing.size;

    historyStatus.textContent = !conversation.loaded
      ? "Loading messages…"
      : conversation.loadingOlder
      ? "Loading older messages…"
      : conversation.hasOlder
      ? ""
      : conversation.messages.length === 0
      ? "No messages yet. Say hello!"
      : "This is the beginning of the conversation.";

    if (restore(id)) { /* the reader's place before the reload */ }
    else if (switching || atBottom || sentMore) pane.scrollTop = pane.scrollHeight;
    else if (anchor !== undefined) {
      const again = list.querySelector<HTMLElement>(`li.message[data-id="${anchor.id}"]`);
      if (again !== null) pane.scrollTop = again.offsetTop - anchor.top;
    }
    // Still at the top after a page arrived (a reader resting there with the wheel): the next.
    if (
      conversation.loaded && conversation.hasOlder && !conversation.loadingOlder &&
      pane.scrollTop < EDGE_PX
    ) {
      void chat.loadOlder(id);
    }

    // Older pages exist but nothing scrolls yet, so no scroll event would ask for them.
    if (conversation.loaded && conversation.hasOlder && pane.scrollHeight <= pane.clientHeight) {
      void chat.loadOlder(id);
    }
    renderLive();
  };

  pane.addEventListener("scroll", () => {
    const id = store.selectedId;
    if (id !== undefined && pane.scrollTop < EDGE_PX) void chat.loadOlder(id);
  });

  addMember.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = store.selectedId;
    if (id === undefined) return;
    void busy(addMember, async () => {
      const error = await chat.addMember(id, field(addMember, "user").trim());
      showFormError(addMember, error);
      if (error === undefined) addMember.reset();
    });
  });

  store.on("selection", () => {
    shell.classList.remove("drawer-open");
    renderHeader();
    renderMessages();
  });
  store.on("channels", renderHeader);
  store.on("users", renderHeader);
  store.on("session", () => {
    shownId = undefined;
    nodes.clear();
    list.replaceChildren();
    renderHeader();
  });
  store.on("connection", renderLive);
  store.on("presence", renderHeader);

  const renderTyping = () => {
    const id = store.selectedId;
    typingLine.textContent = id === undefined ? "" : typingText(store.typingIn(id));
  };
  store.on("typing", (channelId) => {
    if (channelId === store.selectedId) renderTyping();
  });
  store.on("selection", renderTyping);
  store.on("conversation", (channelId) => {
    if (channelId === store.selectedId) renderMessages();
  });
  renderHeader();

  return {
    editLast() {
      const id = store.selectedId;
      if (id === undefined) return false;
      const mine = store.conversation(id).messages.findLast((m) => m.user_id === store.me);
      if (mine === undefined) return false;
      setMode(mine.id, "editing");
      return true;
    },
  };
}
