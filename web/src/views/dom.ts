/** Small DOM helpers. Text always goes in through `textContent`, never as HTML. */

type Child = Node | string | undefined | false;

/** An element with attributes and children; strings become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === undefined || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

/** The element with `id` in index.html, of the expected kind (a missing one is a bug). */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`index.html lacks #${id} (${kind.name})`);
  return element;
}

/** Disables a form's controls while its action runs. */
export async function busy(form: HTMLFormElement, action: () => Promise<void>): Promise<void> {
  const controls = [...form.elements].filter((e) =>
    e instanceof HTMLInputElement || e instanceof HTMLButtonElement ||
    e instanceof HTMLSelectElement || e instanceof HTMLTextAreaElement
  );
  for (const control of controls) control.disabled = true;
  try {
    await action();
  } finally {
    for (const control of controls) control.disabled = false;
  }
}

/** Shows (or clears, with undefined) a form's error line. */
export function showFormError(form: HTMLFormElement, message: string | undefined): void {
  const line = form.querySelector(".form-error");
  if (!(line instanceof HTMLElement)) return;
  line.hidden = message === undefined;
  line.textContent = message ?? "";
}

/** The value of a named text field of a form. */
export function field(form: HTMLFormElement, name: string): string {
  const control = form.elements.namedItem(name);
  if (
    control instanceof HTMLInputElement || control instanceof HTMLSelectElement ||
    control instanceof HTMLTextAreaElement
  ) return control.value;
  throw new Error(`form #${form.id} lacks field ${name}`);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "long",
  month: "long",
  day: "numeric",
  year: "numeric",
});

export function timeOf(date: Date): string {
  return timeFormat.format(date);
}

export function fullTimeOf(date: Date): string {
  return fullFormat.format(date);
}

/** "Today", "Yesterday" or the date, for separators between days. */
export function dayOf(date: Date, now = new Date()): string {
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((start(now) - start(date)) / 86_400_000);
  return days === 0 ? "Today" : days === 1 ? "Yesterday" : dayFormat.format(date);
}
