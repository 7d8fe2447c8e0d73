import assert from "node:assert/strict";
import { networkUpstream } from "./network_upstream.ts";

/** A base URL where nothing listens: a service that is down. */
function downService(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

async function assertOutage(answer: Response) {
  assert.equal(answer.status, 503, "an outage is a 503, not a 502");
  assert.equal(answer.headers.get("retry-after"), "2");
  const body = await answer.json();
  assert.equal(body.error.code, "unavailable");
  assert.match(body.error.message, /service/);
}

Deno.test("network upstream: a service that does not answer is a 503 unavailable with Retry-After", async () => {
  const logged: string[] = [];
  const upstream = networkUpstream([downService()], (message) => logged.push(message));
  await assertOutage(
    await upstream.forward(new Request("http://gateway/api/channels"), new Headers(), undefined),
  );
  assert.deepEqual(logged, ["upstream unreachable"]);
});

Deno.test("network upstream: a WebSocket to a service that does not answer is a 503 too", async () => {
  const upstream = networkUpstream([downService()], () => {});
  const request = new Request("http://gateway/ws", {
    headers: { upgrade: "websocket", connection: "upgrade" },
  });
  await assertOutage(await upstream.forward(request, new Headers(), undefined));
});
