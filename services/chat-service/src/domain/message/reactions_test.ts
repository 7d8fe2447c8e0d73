import assert from "node:assert/strict";
import type { MessageId, UserId } from "../ids.ts";
import { Emoji, summarise } from "./reactions.ts";

Deno.test("emoji: one RGI emoji or a listed shortcode; anything else is refused naming the field", () => {
  for (
    const [raw, stored] of [
      ["👍", "👍"],
      ["👍🏽", "👍🏽"],
      ["🇫🇷", "🇫🇷"],
      ["👨‍👩‍👧", "👨‍👩‍👧"],
      ["❤️", "❤️"],
      ["❤", "❤️"],
      ["+1", "👍"],
      [":tada:", "🎉"],
    ]
  ) {
    const parsed = Emoji.parse(raw);
    assert.ok(parsed.ok, raw);
    assert.equal(parsed.value, stored);
  }
  for (const raw of ["", "a", "1", "👍👍", "👍 ", "<script>", "nope", ":unknown:", "ab👍"]) {
    const refused = Emoji.parse(raw);
    assert.ok(!refused.ok && refused.error.field === "emoji", raw);
  }
});

Deno.test("reactions are counted per emoji, with the reader's own marked, in code point order", () => {
  const [m, me, other] = ["m" as MessageId, "me" as UserId, "other" as UserId];
  const e = (raw: string) => {
    const parsed = Emoji.parse(raw);
    assert.ok(parsed.ok);
    return parsed.value;
  };
  const summary = summarise([
    { messageId: m, emoji: e("🚀"), userId: other },
    { messageId: m, emoji: e("👍"), userId: other },
    { messageId: m, emoji: e("👍"), userId: me },
    { messageId: m, emoji: e("✅"), userId: other },
  ], me);
  assert.deepEqual(summary.get(m), [
    { emoji: "✅", count: 1, me: false },
    { emoji: "👍", count: 2, me: true },
    { emoji: "🚀", count: 1, me: false },
  ]);
});
