import assert from "node:assert/strict";
import { Parser } from "npm:@asyncapi/parser@3.6.3";
import { Hono } from "hono";
import { asyncApiHandler, buildAsyncApiDocument } from "./asyncapi.ts";
import {
  CHAT_MESSAGE_TOPICS,
  ChatEvent,
  PresenceEvent,
  USER_EVENTS_TOPIC,
  UserEvent,
} from "./events/mod.ts";
import { ClientFrame, ServerFrame } from "./websocket/frames.ts";

const document = buildAsyncApiDocument();
const json = JSON.parse(JSON.stringify(document));

/** The `type` values of a union, read from the schema itself rather than from the generator. */
const clientTypes = ClientFrame.def.options.map((o) => o.shape.type.def.values[0]);
const serverTypes = ServerFrame.def.options.map((o) => o.shape.type.def.values[0]);
const userTypes = UserEvent.options.map((o) => o.shape.event_type.value);
const chatTypes = ChatEvent.options.map((o) => o.shape.event_type.value);
const presenceTypes = PresenceEvent.options.map((o) => o.shape.event_type.value);

Deno.test("asyncapi: the document is valid AsyncAPI 3 (the reference parser finds no error)", async () => {
  const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
  // Spectral severities: 0 error, 1 warning; 2 and 3 are information and hints.
  const problems = diagnostics.filter((d) => d.severity <= 1);
  assert.deepEqual(problems.map((d) => `${d.path.join(".")}: ${d.message}`), []);
  assert.ok(parsed !== undefined);
  assert.equal(parsed.version(), "3.0.0");
});

Deno.test("asyncapi: /ws has a receive operation per client frame and a send per server frame", () => {
  const ws = json.channels.websocket;
  assert.equal(ws.address, "/ws");
  for (const [types, action] of [[clientTypes, "receive"], [serverTypes, "send"]] as const) {
    assert.ok(types.length > 0);
    for (const type of types) {
      assert.ok(ws.messages[type], `channel message ${type}`);
      const operation = json.operations[`${action}_${type}`];
      assert.equal(operation.action, action);
      assert.deepEqual(operation.messages, [{ $ref: `#/channels/websocket/messages/${type}` }]);
    }
  }
});

Deno.test("asyncapi: every Kafka topic and event type is there, keyed as the code keys them", () => {
  const { userEvents, chatMessages } = json.channels;
  assert.equal(userEvents.address, USER_EVENTS_TOPIC);
  assert.equal(chatMessages.address, "chat.messages.{shard}");
  const shards = chatMessages.parameters.shard.enum.map((s: string) => `chat.messages.${s}`);
  assert.deepEqual(shards, CHAT_MESSAGE_TOPICS);
  for (const [channel, types] of [[userEvents, userTypes], [chatMessages, chatTypes]] as const) {
    assert.deepEqual(Object.keys(channel.messages).sort(), [...types].sort());
  }
  assert.equal(json.components.messages["user.user_created"].bindings.kafka.key.format, "uuid");
});

Deno.test("asyncapi: each message payload is an object JSON schema whose tag is the type", () => {
  const tags = [
    ...clientTypes.map((t) => ["client", t, "type"]),
    ...serverTypes.map((t) => ["server", t, "type"]),
    ...userTypes.map((t) => ["user", t, "event_type"]),
    ...chatTypes.map((t) => ["chat", t, "event_type"]),
    ...presenceTypes.map((t) => ["presence", t, "event_type"]),
  ];
  assert.equal(Object.keys(json.components.messages).length, tags.length);
  for (const [prefix, type, tag] of tags) {
    const { payload, contentType } = json.components.messages[`${prefix}.${type}`];
    assert.equal(contentType, "application/json");
    assert.equal(payload.type, "object", `${prefix}.${type}`);
    assert.deepEqual(payload.properties[tag], { type: "string", const: type });
    assert.ok(payload.required.includes(tag));
  }
  const newMessage = json.components.messages["server.new_message"].payload;
  assert.deepEqual(newMessage.properties.username, { type: ["string", "null"] });
});

Deno.test("asyncapi: the handler serves the document as JSON", async () => {
  const app = new Hono().get("/asyncapi.json", asyncApiHandler);
  const res = await app.request("/asyncapi.json");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.deepEqual(await res.json(), json);
});
