import assert from "node:assert/strict";
import { clientAddress, peerAddress, trustedProxies, trustedProxyList } from "./client.ts";

Deno.test("client address: X-Forwarded-For counts only from a trusted proxy, rightmost untrusted hop", () => {
  const trusted = trustedProxies(["10.0.0.0/8", "::1"]);
  assert.equal(clientAddress("203.0.113.5", "198.51.100.1", trusted), "203.0.113.5");
  assert.equal(clientAddress("10.0.0.7", "198.51.100.1", trusted), "198.51.100.1");
  // A client's own entry on the left is not believed: the last untrusted hop is the client.
  assert.equal(
    clientAddress("10.0.0.7", "1.2.3.4, 198.51.100.1, 10.0.0.2", trusted),
    "198.51.100.1",
  );
  assert.equal(clientAddress("::1", undefined, trusted), "::1");
  assert.equal(clientAddress("::ffff:10.1.1.1", "198.51.100.9", trusted), "198.51.100.9");
  assert.equal(clientAddress("10.0.0.7", "not-an-address", trusted), "10.0.0.7");
  assert.equal(peerAddress({ remoteAddr: { hostname: "127.0.0.1" } }), "127.0.0.1");
  assert.equal(peerAddress(undefined), undefined);
});

Deno.test("client address: a trusted-proxy list with a bad entry is a config error", () => {
  assert.equal(trustedProxyList("").safeParse("10.0.0.0/8, 127.0.0.1").success, true);
  assert.equal(trustedProxyList("").safeParse("10.0.0.0/33").success, false);
  assert.equal(trustedProxyList("").safeParse("gateway").success, false);
});
