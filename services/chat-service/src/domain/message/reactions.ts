/**
 * Reactions: one emoji per (message, user) at most once. An emoji is one
 * grapheme of Unicode's RGI emoji set (`\p{RGI_Emoji}`), or one of the
 * shortcodes below, which stand for their emoji (so `:+1:` and 👍 are one
 * reaction). A lone emoji code point without its presentation selector (❤)
 * is the emoji with it (❤️).
 */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { MessageId, UserId } from "../ids.ts";
import { invalid, type ValidationError } from "../validation.ts";

export type Emoji = string & { readonly __brand: "Emoji" };

/** The fixed shortcode list (docs/http.md repeats it). */
export const SHORTCODES: Readonly<Record<string, string>> = {
  "+1": "👍",
  thumbsup: "👍",
  "-1": "👎",
  thumbsdown: "👎",
  heart: "❤️",
  joy: "😂",
  smile: "😄",
  tada: "🎉",
  eyes: "👀",
  fire: "🔥",
  rocket: "🚀",
  thinking: "🤔",
  pray: "🙏",
  clap: "👏",
  check: "✅",
  x: "❌",
  wave: "👋",
  "100": "💯",
};

const RGI_EMOJI = /^\p{RGI_Emoji}$/v;
const EMOJI_RULE = "must be one emoji, or a shortcode of the documented list";

export const Emoji = {
  parse(raw: string): Result<Emoji, ValidationError> {
    const shortcode = /^:?([a-z0-9_+-]{1,20}):?$/.exec(raw)?.[1];
    const named = shortcode === undefined ? undefined : SHORTCODES[shortcode];
    if (named !== undefined) return ok(named as Emoji);
    if (RGI_EMOJI.test(raw)) return ok(raw as Emoji);
    const presented = `${raw}\u{FE0F}`;
    if ([...raw].length === 1 && RGI_EMOJI.test(presented)) return ok(presented as Emoji);
    return err(invalid("emoji", EMOJI_RULE));
  },
};

/** One emoji's reactions to a message, as one reader sees them. */
export interface ReactionSummary {
  readonly emoji: Emoji;
  /** How many users reacted with it: one stored row per (message, emoji, user). */
  readonly count: number;
  /** Whether the reader is one of them. */
  readonly me: boolean;
}

/** A user's reaction as it is stored. */
export interface Reaction {
  readonly messageId: MessageId;
  readonly emoji: Emoji;
  readonly userId: UserId;
}

/** Summaries of stored reactions for one reader, in emoji (code point) order. */
export function summarise(
  reactions: readonly Reaction[],
  reader: UserId | undefined,
): Map<MessageId, ReactionSummary[]> {
  const byMessage = new Map<MessageId, Map<Emoji, { count: number; me: boolean }>>();
  for (const r of reactions) {
    let emojis = byMessage.get(r.messageId);
    if (emojis === undefined) byMessage.set(r.messageId, emojis = new Map());
    const entry = emojis.get(r.emoji) ?? { count: 0, me: false };
    emojis.set(r.emoji, { count: entry.count + 1, me: entry.me || r.userId === reader });
  }
  const codePoints = (e: string) => [...e].map((c) => c.codePointAt(0) ?? 0);
  const byCodePoint = (a: string, b: string) => {
    const [x, y] = [codePoints(a), codePoints(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  return new Map(
    [...byMessage].map(([id, emojis]) => [
      id,
      [...emojis].sort(([a], [b]) => byCodePoint(a, b)).map(([emoji, s]) => ({ emoji, ...s })),
    ]),
  );
}
