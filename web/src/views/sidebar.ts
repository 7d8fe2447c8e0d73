/** The sidebar: who is signed in, the channel lists, and the forms that start conversations. */
import type { Channel } from "../api.ts";
import type { Chat } from "../chat.ts";
import type { Store } from "../state.ts";
import { busy, byId, el, field, showFormError } from "./dom.ts";
import { channelLabel, directPartner, presenceText } from "./labels.ts";
import { presenceDot } from "./presence.ts";
import { attachUserPicker } from "./user_picker.ts";

export function mountSidebar(store: Store, chat: Chat): void {
  const meName = byId("me-name", HTMLElement);
  const mine = byId("my-channels", HTMLUListElement);
  const publicList = byId("public-channels", HTMLUListElement);
  const publicStatus = byId("public-status", HTMLParagraphElement);
  const morePublic = byId("more-public", HTMLButtonElement);
  const filter = byId("channel-filter", HTMLInputElement);
  const newChannel = byId("new-channel", HTMLFormElement);
  const newDirect = byId("new-direct", HTMLFormElement);
  const directUser = newDirect.elements.namedItem("user");
  if (directUser instanceof HTMLInputElement) attachUserPicker(directUser, chat);

  const item = (channel: Channel): HTMLLIElement => {
    const { icon, name } = channelLabel(store, channel);
    const { unread, mentions } = store.conversation(channel.id);
    const partner = directPartner(store, channel);
    const status = partner === undefined ? undefined : presenceText(store, partner);
    const button = el(
      "button",
      {
        type: "button",
        class: "channel",
        "data-id": channel.id,
        title: status === undefined ? name : `${name} · ${status}`,
      },
      partner === undefined
        ? el("span", { class: "channel-icon", "aria-hidden": "true" }, icon)
        : presenceDot(store, partner),
      el("span", { class: "channel-name" }, name),
      mentions > 0 &&
        el(
          "span",
          { class: "badge mention-badge", "aria-label": `${mentions} mentioning you` },
          `@${mentions}`,
        ),
      unread > 0 &&
        el(
          "span",
          { class: "badge", "aria-label": `${unreadText(unread)} unread` },
          unreadText(unread),
        ),
    );
    if (channel.id === store.selectedId) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => void chat.open(channel.id));
    return el("li", {}, button);
  };

  const render = () => {
    meName.textContent = store.session?.user.username ?? "";
    mine.replaceChildren(...store.myChannels.map(item));
    if (store.myChannels.length === 0) {
      mine.replaceChildren(el("li", { class: "hint" }, "None yet — open or start one."));
    }
    const query = filter.value.trim().toLowerCase();
    const shown = store.publicChannels.filter((c) =>
      query === "" || (c.name ?? "").toLowerCase().includes(query)
    );
    publicList.replaceChildren(...shown.map(item));
    publicStatus.textContent = store.publicLoading
      ? "Loading channels…"
      : shown.length === 0
      ? (query === "" ? "No public channels yet." : "No channel matches.")
      : "";
    morePublic.hidden = store.publicComplete || store.publicLoading || query !== "";
  };

  filter.addEventListener("input", () => {
    render();
    if (filter.value.trim() !== "") void chat.loadAllPublic();
  });
  morePublic.addEventListener("click", () => void chat.loadMorePublic());
  byId("refresh-channels", HTMLButtonElement).addEventListener(
    "click",
    () => {
      void chat.refreshChannels();
      if (filter.value.trim() !== "") void chat.loadAllPublic();
    },
  );
  byId("logout", HTMLButtonElement).addEventListener("click", () => chat.logout());
  const notify = byId("enable-notifications", HTMLButtonElement);
  const showNotify = () => {
    const state = chat.notifications;
    notify.hidden = state === "unsupported";
    notify.textContent = state === "on"
      ? "Turn notifications off"
      : state === "denied"
      ? "Notifications blocked"
      : "Enable notifications";
    notify.disabled = state === "denied";
  };
  notify.addEventListener("click", async () => {
    if (chat.notifications === "on") chat.disableNotifications();
    else await chat.enableNotifications();
    showNotify();
  });
  showNotify();
  byId("copy-id", HTMLButtonElement).addEventListener("click", async () => {
    const id = store.me;
    if (id === undefined) return;
    let copied = false;
    try {
      await navigator.clipboard.writeText(id);
      copied = true;
    } catch { /* no clipboard access: show the id to copy by hand */ }
    store.setNotice({ kind: "info", text: `Your user id${copied ? " (copied)" : ""}: ${id}` });
  });

  newChannel.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(newChannel, async () => {
      const type = field(newChannel, "type") === "private" ? "private" : "public";
      const error = await chat.createChannel(
        type,
        field(newChannel, "name").trim(),
        field(newChannel, "description").trim(),
      );
      showFormError(newChannel, error);
      if (error === undefined) closeForm(newChannel);
    });
  });
  newDirect.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(newDirect, async () => {
      const error = await chat.startDirect(field(newDirect, "user").trim());
      showFormError(newDirect, error);
      if (error === undefined) closeForm(newDirect);
    });
  });

  store.on("session", render);
  store.on("channels", render);
  store.on("selection", () => {
    render();
    for (const current of document.querySelectorAll(".channel[aria-current=true]")) {
      current.scrollIntoView({ block: "nearest" });
    }
  });
  store.on("users", render);
  store.on("presence", render);
  render();
}

/** The server counts to 100, which means "100 or more". */
export function unreadText(count: number): string {
  return count > 99 ? "99+" : String(count);
}

/** Empties a form and folds its `<details>` once it has done its job. */
function closeForm(form: HTMLFormElement): void {
  form.reset();
  const details = form.closest("details");
  if (details !== null) details.open = false;
}
