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
    }
  });
  input.addEventListener("input", fit);
  store.on("selection", () => {
    input.value = "";
    fit();
    input.focus();
  });
}
