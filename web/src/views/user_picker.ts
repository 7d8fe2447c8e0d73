/**
 * A username field with suggestions: typing two or more characters asks people search and
 * offers the matching usernames in the input's `<datalist>`. The form submits the username;
 * `Chat` resolves it to the user (nobody types an id).
 */
import type { Chat } from "../chat.ts";
import { el } from "./dom.ts";

/** Keystrokes closer together than this make one search. */
const DEBOUNCE_MS = 150;

export function attachUserPicker(input: HTMLInputElement, chat: Chat): void {
  const list = el("datalist", { id: `${input.form?.id ?? "form"}-users` });
  input.after(list);
  input.setAttribute("list", list.id);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const prefix = input.value.trim().replace(/^@/, "");
      if (prefix === asked) return;
      asked = prefix;
      const found = await chat.suggestUsers(prefix);
      // A later keystroke asked something else meanwhile: its answer fills the list.
      if (asked !== prefix) return;
      list.replaceChildren(...found.map((user) => el("option", { value: user.username })));
    }, DEBOUNCE_MS);
  });
}
