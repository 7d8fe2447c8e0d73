/**
 * The prose contract in docs/ names every frame and event the schemas define, so adding one to
 * a schema without documenting it fails here.
 */
import assert from "node:assert/strict";
import {
  CHAT_EVENTS,
  CLIENT_FRAMES,
  PRESENCE_EVENTS,
  SERVER_FRAMES,
  USER_EVENTS,
} from "./asyncapi.ts";
import {
  CHAT_TYPING_TOPIC,
  PRESENCE_CHANGES_TOPIC,
  PRESENCE_REPORTS_TOPIC,
  USER_EVENTS_TOPIC,
} from "./events/mod.ts";

const docs = new URL("../docs/", import.meta.url);
const read = (name: string) => Deno.readTextFile(new URL(name, docs));
/** Named as code: `name` or "name" (inside a JSON example). */
const mentions = (text: string, name: string) => new RegExp(`[\`"]${name}[\`"]`).test(text);

Deno.test("docs: websocket.md names every client and server frame type", async () => {
  const text = await read("websocket.md");
  for (const type of [...Object.keys(CLIENT_FRAMES), ...Object.keys(SERVER_FRAMES)]) {
    assert.ok(mentions(text, type), `docs/websocket.md does not mention frame "${type}"`);
  }
  for (const code of [1001, 1008, 1009, 1013]) assert.match(text, new RegExp(`\\b${code}\\b`));
});

Deno.test("docs: events.md names every topic and event type", async () => {
  const text = await read("events.md");
  for (const type of [...Object.keys(USER_EVENTS), ...Object.keys(CHAT_EVENTS)]) {
    assert.ok(mentions(text, type), `docs/events.md does not mention event "${type}"`);
  }
  assert.ok(mentions(text, USER_EVENTS_TOPIC));
  assert.ok(mentions(text, "chat.messages.0") && mentions(text, "chat.messages.15"));
});

Deno.test("docs: events.md names the presence topics and events", async () => {
  const text = await read("events.md");
  for (const type of Object.keys(PRESENCE_EVENTS)) {
    assert.ok(mentions(text, type), `docs/events.md does not mention event "${type}"`);
  }
  for (const topic of [PRESENCE_REPORTS_TOPIC, PRESENCE_CHANGES_TOPIC, CHAT_TYPING_TOPIC]) {
    assert.ok(mentions(text, topic), `docs/events.md does not mention topic "${topic}"`);
  }
});
