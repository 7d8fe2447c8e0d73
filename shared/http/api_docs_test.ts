import assert from "node:assert/strict";
import { apiDocs } from "./api_docs.ts";

const asyncapi = {
  asyncapi: "3.0.0",
  info: { title: "t", version: "1", description: "Frames <and> events." },
  channels: {
    websocket: { address: "/ws", description: "The socket.", bindings: { ws: {} } },
    users: { address: "user-events", description: "Users." },
  },
  operations: {
    receive_ping: {
      action: "receive",
      channel: { $ref: "#/channels/websocket" },
      summary: "Heartbeat.",
      messages: [{ $ref: "#/channels/websocket/messages/ping" }],
    },
    send_user: {
      action: "send",
      channel: { $ref: "#/channels/users" },
      summary: "The relay.",
      messages: [{ $ref: "#/channels/users/messages/user_created" }],
    },
  },
};

function docs() {
  let built = 0;
  const app = apiDocs({
    openapi: () => Promise.resolve({ openapi: "3.0.3", n: ++built }),
    asyncapi: () => asyncapi,
  });
  return { app, built: () => built };
}

Deno.test("api docs: the documents, built once", async () => {
  const { app, built } = docs();
  assert.deepEqual(await (await app.request("/openapi.json")).json(), { openapi: "3.0.3", n: 1 });
  await app.request("/openapi.json");
  assert.equal(built(), 1);
  assert.deepEqual(await (await app.request("/asyncapi.json")).json(), asyncapi);
});

Deno.test("api docs: /docs loads only this origin's files, with no inline script", async () => {
  const { app } = docs();
  const res = await app.request("/docs");
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html), "nothing from another origin");
  assert.ok(!/<script>/.test(html), "scripts are files (a strict CSP needs no exception)");
  // The AsyncAPI operations, by channel and direction, escaped.
  assert.match(html, /<code>ping<\/code><\/td><td>client → server<\/td><td>Heartbeat\.<\/td>/);
  assert.match(html, /<code>user_created<\/code><\/td><td>published<\/td>/);
  assert.match(html, /Frames &lt;and&gt; events\./);
  for (const src of html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)) {
    const asset = await app.request(src[1]);
    assert.equal(asset.status, 200, src[1]);
    assert.ok((await asset.arrayBuffer()).byteLength > 0, src[1]);
  }
  assert.equal((await app.request("/docs/assets/package.json")).status, 404);
  assert.equal((await app.request("/docs/assets/..%2Fpackage.json")).status, 404);
});
