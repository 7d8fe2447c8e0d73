/**
 * Message text as the browser shows it: a Markdown subset (bold, italic, strikethrough,
 * inline code, fenced code blocks, quotes, lists, links; bare URLs become links) parsed by
 * `marked` and cleaned by `DOMPurify` with a short allow-list, so nothing a sender writes can
 * run script or style the page. The server stores the source text unchanged; this is only how
 * it is drawn. Headings, tables, images and raw HTML are not part of the subset: they show as
 * the text that was typed.
 */
import DOMPurify from "dompurify";
import { Marked, type Tokens } from "marked";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const markdown = new Marked({
  gfm: true,
  // Chat text: a single newline is a line break.
  breaks: true,
  async: false,
  tokenizer: {
    // Outside the subset: the text stays as typed (a tokenizer that matches nothing).
    heading: () => undefined,
    lheading: () => undefined,
    table: () => undefined,
    html: () => undefined,
    tag: () => undefined,
    def: () => undefined,
  },
  renderer: {
    // Raw HTML never reaches the page as HTML.
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    // An image is shown as a link to it, never loaded.
    image: ({ href, text }: Tokens.Image) =>
      `<a href="${escapeHtml(href)}">${escapeHtml(text === "" ? href : text)}</a>`,
  },
});

const ALLOWED_TAGS = [
  "p",
  "br",
  "strong",
  "em",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "a",
  "hr",
];
/** Links go to the web or to e-mail; `javascript:`, `data:` and the rest lose their href. */
const SAFE_URL = /^(?:https?:|mailto:)/i;

/** The page's own instance (the bundle runs in a window). */
const purify = DOMPurify;
purify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName !== "A") return;
  const href = node.getAttribute("href");
  if (href === null || !SAFE_URL.test(href.trim())) node.removeAttribute("href");
  node.setAttribute("rel", "noopener noreferrer");
  node.setAttribute("target", "_blank");
});

/**
 * A message's Markdown source as sanitised nodes (a fragment, never HTML text parsed again,
 * so what DOMPurify checked is what the page holds).
 */
export function markdownNodes(source: string): DocumentFragment {
  // Trimmed: no whitespace text after the last block.
  const html = markdown.parse(source, { async: false }).trim();
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href", "title", "start"],
    ALLOWED_URI_REGEXP: SAFE_URL,
    ADD_ATTR: ["target", "rel"],
    RETURN_DOM_FRAGMENT: true,
  });
}

const MENTION = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;

/**
 * A message's content as nodes for the list: formatted, with `@me` marked when the message
 * mentions me (`myName`; undefined: it does not).
 */
export function renderContent(source: string, myName: string | undefined): HTMLElement {
  const content = document.createElement("div");
  content.className = "content";
  content.append(markdownNodes(source));
  if (myName !== undefined) markMentions(content, myName.toLowerCase());
  return content;
}

/** Wraps `@myName` in text (not in code or links) in `<mark class="mention">`. */
function markMentions(root: HTMLElement, myName: string): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    if (node instanceof Text && node.parentElement?.closest("code, pre, a") === null) {
      texts.push(node);
    }
  }
  for (const text of texts) {
    const value = text.data;
    const parts: (string | HTMLElement)[] = [];
    let last = 0;
    for (const match of value.matchAll(MENTION)) {
      if (match[1].toLowerCase() !== myName) continue;
      parts.push(value.slice(last, match.index));
      const mark = document.createElement("mark");
      mark.className = "mention";
      mark.textContent = match[0];
      parts.push(mark);
      last = match.index + match[0].length;
    }
    if (parts.length === 0) continue;
    parts.push(value.slice(last));
    text.replaceWith(...parts);
  }
}
