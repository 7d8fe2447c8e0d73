import assert from "node:assert/strict";
import { routeOf, routePattern } from "./service.ts";

Deno.test("routes: prefixes pick the service, a few pairs the public routes and classes", () => {
  assert.deepEqual(routeOf("POST", "/api/users"), {
    kind: "api",
    upstream: "users",
    routeClass: "auth",
    access: "public",
  });
  assert.equal(routeOf("POST", "/api/users/login").kind === "api", true);
  assert.deepEqual(routeOf("GET", "/api/users/x"), {
    kind: "api",
    upstream: "users",
    routeClass: "other",
    access: "token",
  });
  assert.deepEqual(routeOf("POST", "/api/auth/logout"), {
    kind: "api",
    upstream: "users",
    routeClass: "other",
    access: "token",
  });
  const send = routeOf("POST", "/api/channels/c1/messages");
  assert.equal(send.kind === "api" && send.routeClass, "send");
  const create = routeOf("POST", "/api/channels/");
  assert.equal(create.kind === "api" && create.routeClass, "channel_create");
  const presence = routeOf("GET", "/api/presence");
  assert.equal(presence.kind === "api" && presence.upstream, "presence");
  assert.deepEqual(routeOf("GET", "/ws"), { kind: "socket", upstream: "chat" });
  assert.deepEqual(routeOf("GET", "/api/usersx"), { kind: "web" });
  assert.deepEqual(routeOf("GET", "/health/ready"), { kind: "health" });
});

Deno.test("routes: the logged pattern keeps words and hides ids", () => {
  assert.equal(
    routePattern("/api/channels/0b7c5a6e-4d1f-4a8e-9c3b-2f1e0d9c8b7a/messages/m-1/reactions/👍"),
    "/api/channels/:id/messages/:id/reactions/:id",
  );
  assert.equal(routePattern("/api/users/login"), "/api/users/login");
  assert.equal(routePattern("/"), "/");
});
