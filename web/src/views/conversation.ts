/**
 * The open conversation: its header, the messages (oldest at the top, loading older pages
 * when scrolled to the top), and the state of messages still being sent.
 */
import type { Message } from "../api.ts";
import type { Chat } from "../chat.ts";
import type { Outgoing, Store } from "../state.ts";
import { busy, byId, dayOf, el, field, fullTimeOf, showFormError, timeOf } from "./dom.ts";
import { channelLabel, directPartner, presenceText } from "./labels.ts";
import { presenceDot, typingText } from "./presence.ts";

/** Scrolled this close to an edge counts as being at it. */
const EDGE_PX = 80;

export function mountConversation(store: Store, chat: Chat): void {
  const empty = byId("empty-pane", HTMLDivElement);
  const header = byId("pane-header", HTMLElement);
  const title = byId("channel-title", HTMLHeadingElement);
  const live = byId("channel-live", HTMLSpanElement);
  const description = byId("channel-description", HTMLParagraphElement);
  const addMember = byId("add-member", HTMLFormElement);
  const pane = byId("messages", HTMLDivElement);
  const historyStatus = byId("history-status", HTMLParagraphElement);
  const list = byId("message-list", HTMLOListElement);
  const composer = byId("composer", HTMLFormElement);
  const members = byId("channel-members", HTMLUListElement);
  const typingLine = byId("typing-line", HTMLParagraphElement);

  /** The channel whose messages are on screen, and their elements by id (messages never change). */
  let shownId: string | undefined;
  const nodes = new Map<string, HTMLLIElement>();
  let outgoingShown = 0;

  const messageNode = (message: Message): HTMLLIElement => {
    const cached = nodes.get(message.id);
    if (cached !== undefined) return cached;
    const date = new Date(message.timestamp);
    const node = el(
      "li",
      { class: message.user_id === store.me ? "message mine" : "message", "data-id": message.id },
      el(
        "div",
        { class: "meta" },
        el("span", { class: "sender" }, message.username ?? "unknown user"),
        el("time", { datetime: message.timestamp, title: fullTimeOf(date) }, timeOf(date)),
      ),
      el("div", { class: "content" }, message.content),
    );
    nodes.set(message.id, node);
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
      el("div", { class: "content" }, outgoing.content),
      failed &&
        el("div", { class: "failure", role: "alert" }, outgoing.error ?? "", " ", retry, discard),
    );
  };

  /** The first message at least partly visible, to keep it in place when others are added. */
  const firstVisible = (): HTMLElement | undefined => {
    for (const child of list.children) {
      if (child instanceof HTMLElement && child.offsetTop + child.offsetHeight > pane.scrollTop) {
        return child;
      }
    }
    return undefined;
  };

  const renderHeader = () => {
    const id = store.selectedId;
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
        return el(
          "li",
          { class: "member" },
          member === store.me
            ? el("span", { class: "presence-dot", "data-status": "online" })
            : presenceDot(store, member),
          el("span", {}, name),
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

  const renderMessages = () => {
    const id = store.selectedId;
    if (id === undefined) return;
    const conversation = store.conversation(id);
    const switching = shownId !== id;
    if (switching) {
      nodes.clear();
      shownId = id;
      outgoingShown = 0;
    }
    const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < EDGE_PX;
    const anchor = switching || atBottom ? undefined : firstVisible();
    const anchorTop = anchor?.offsetTop ?? 0;

    const children: HTMLLIElement[] = [];
    let lastDay = "";
    for (const message of conversation.messages) {
      const day = dayOf(new Date(message.timestamp));
      if (day !== lastDay) children.push(el("li", { class: "day" }, el("span", {}, day)));
      lastDay = day;
      children.push(messageNode(message));
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

    if (switching || atBottom || sentMore) pane.scrollTop = pane.scrollHeight;
    else if (anchor?.isConnected) pane.scrollTop += anchor.offsetTop - anchorTop;

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
}
