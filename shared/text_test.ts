import assert from "node:assert/strict";
import { isStorableText, unstorableTextAt } from "./text.ts";

Deno.test("text: NUL and unpaired surrogates are not storable; pairs and other text are", () => {
  assert.ok(isStorableText("héllo 👋 \t\n"));
  assert.ok(!isStorableText("a\u0000b"));
  assert.ok(!isStorableText("\ud800"));
  assert.ok(!isStorableText("x\udc00y"));
  assert.ok(isStorableText("\ud83d\udc4b"));
});

Deno.test("text: the first unstorable string in a JSON value is named by its path", () => {
  assert.equal(unstorableTextAt({ a: "ok", b: { c: ["x", "\u0000"] } }), "b.c.1");
  assert.equal(unstorableTextAt({ content: "\ud800" }), "content");
  assert.equal(unstorableTextAt({ ok: 1, fine: "yes" }), undefined);
});
