/**
 * Mentions: `@username` in a message's text, resolved once, when it is sent,
 * to the ids of users who may read the channel (docs/http.md, "Mentions").
 * A name nobody of the channel bears stays plain text.
 */

/** At most this many distinct names of one message are resolved; later ones stay text. */
export const MAX_MENTIONS = 20;

/**
 * `@` then a username (3–32 letters, digits or underscores), not inside a word
 * or an e-mail address (`a@b.c`), nor followed by more name characters.
 */
const MENTION = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;
/** Code is quoted text, not a mention: fenced blocks, then inline code spans. */
const FENCED = /^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\1[^\n]*(?=\n|$)|$)/gm;
const INLINE_CODE = /(`+)[^`][\s\S]*?\1/g;

/**
 * The distinct names mentioned in a text, lower-cased (usernames are unique
 * ignoring case), in order of first mention, at most `MAX_MENTIONS`; names
 * inside code are left out.
 */
export function mentionedNames(content: string): string[] {
  const text = content.replace(FENCED, "").replace(INLINE_CODE, "");
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    names.add(match[1].toLowerCase());
    if (names.size === MAX_MENTIONS) break;
  }
  return [...names];
}
