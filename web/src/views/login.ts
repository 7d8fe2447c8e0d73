/** The login and registration forms, shown while nobody is signed in. */
import type { Chat } from "../chat.ts";
import type { Store } from "../state.ts";
import { busy, byId, field, showFormError } from "./dom.ts";

export function mountLogin(store: Store, chat: Chat): void {
  const screen = byId("login", HTMLElement);
  const loginForm = byId("login-form", HTMLFormElement);
  const registerForm = byId("register-form", HTMLFormElement);
  const loginTab = byId("tab-login", HTMLButtonElement);
  const registerTab = byId("tab-register", HTMLButtonElement);

  const showTab = (register: boolean) => {
    loginForm.hidden = register;
    registerForm.hidden = !register;
    loginTab.setAttribute("aria-selected", String(!register));
    registerTab.setAttribute("aria-selected", String(register));
    showFormError(loginForm, undefined);
    showFormError(registerForm, undefined);
    (register ? registerForm : loginForm).querySelector("input")?.focus();
  };
  loginTab.addEventListener("click", () => showTab(false));
  registerTab.addEventListener("click", () => showTab(true));

  loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(loginForm, async () => {
      const error = await chat.login(
        field(loginForm, "username").trim(),
        field(loginForm, "password"),
      );
      showFormError(loginForm, error);
      if (error === undefined) loginForm.reset();
    });
  });
  registerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void busy(registerForm, async () => {
      const error = await chat.register(
        field(registerForm, "username").trim(),
        field(registerForm, "email").trim(),
        field(registerForm, "password"),
      );
      showFormError(registerForm, error);
      if (error === undefined) registerForm.reset();
    });
  });

  const render = () => {
    screen.hidden = store.session !== undefined;
    if (!screen.hidden) {
      (loginForm.hidden ? registerForm : loginForm).querySelector("input")?.focus();
    }
  };
  store.on("session", render);
  render();
}
