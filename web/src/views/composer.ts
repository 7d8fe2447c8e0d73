/** The message box: Enter sends, Shift+Enter starts a new line, ↑ when empty edits my last message. */
import type { Chat } from "../chat.ts";
import type { Store } from "../state.ts";
import type { ConversationControls } from "./conversation.ts";
import { byId } from "./dom.ts";

const MAX_ROWS_PX = 180;

export function mountComposer(
  store: Store,
  chat: Chat,
  conversation: ConversationControls,
): void {
  const form = byId("composer", HTMLFormElement);
  const input = byId("composer-input", HTMLTextAreaElement);
  const banner = byId("reply-banner", HTMLDivElement);
  const bannerText = byId("reply-text", HTMLSpanElement);

  /** "Replying to …" while the open conversation's next message answers one. */
  const renderReply = () => {
    const id = store.selectedId;
    const replyTo = id === undefined ? undefined : store.conversation(id).replyTo;
    const original = replyTo === undefined || id === undefined
      ? undefined
      : store.conversation(id).messages.find((m) => m.id === replyTo);
    banner.hidden = original === undefined;
    if (original !== undefined) {
      bannerText.textContent = `Replying to ${original.username ?? "unknown user"}: ${
        [...original.content].slice(0, 80).join("")
      }`;
    }
  };
  byId("reply-cancel", HTMLButtonElement).addEventListener("click", () => {
    const id = store.selectedId;
    if (id !== undefined) chat.replyTo(id, undefined);
    input.focus();
  });
  store.on("conversation", (channelId) => {
    if (channelId === store.selectedId) renderReply();
  });

  const fit = () => {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, MAX_ROWS_PX)}px`;
  };

  const submit = () => {
    const id = store.selectedId;
    const content = input.value;
    if (id === undefined || content.trim() === "") return;
    input.value = "";
    fit();
    void chat.send(id, content);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === "ArrowUp" && input.value === "" && conversation.editLast()) {
      event.preventDefault();
    } else if (event.key === "Escape" && store.selectedId !== undefined) {
      chat.replyTo(store.selectedId, undefined);
    }
  });
  input.addEventListener("input", () => {
    fit();
    const id = store.selectedId;
    if (id !== undefined && input.value.trim() !== "") chat.typing(id);
  });
  store.on("selection", () => {
    input.value = "";
    renderReply();
    fit();
    input.focus();
  });
}
