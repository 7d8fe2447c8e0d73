import assert from "node:assert/strict";
import { MAX_MENTIONS, mentionedNames } from "./mentions.ts";

Deno.test("mentions: @names are found once each, lower-cased, in order of first mention", () => {
  assert.deepEqual(mentionedNames("hi @Bob and @alice_2, @bob again"), ["bob", "alice_2"]);
  assert.deepEqual(mentionedNames("@carol: (@dave) @eve. @frank!"), [
    "carol",
    "dave",
    "eve",
    "frank",
  ]);
  assert.deepEqual(mentionedNames("> quoting @quoted\n- item @listed"), ["quoted", "listed"]);
});

Deno.test("mentions: e-mail addresses, short or long names, @@ and code are not mentions", () => {
  assert.deepEqual(mentionedNames("mail bob@example.com or x@bob"), []);
  assert.deepEqual(mentionedNames("@ab is too short, @" + "a".repeat(33) + " too long"), []);
  assert.deepEqual(mentionedNames("@@bob @bob-smith"), ["bob"]);
  assert.deepEqual(mentionedNames("run `@bob` then\n```\n@carol\n```\nand @dave"), ["dave"]);
  assert.deepEqual(mentionedNames("```\nnever closed @erin"), []);
});

Deno.test("mentions: at most MAX_MENTIONS distinct names per message", () => {
  const many = Array.from({ length: MAX_MENTIONS + 5 }, (_, i) => `@user${i}`).join(" ");
  const names = mentionedNames(many);
  assert.equal(names.length, MAX_MENTIONS);
  assert.equal(names[0], "user0");
});
