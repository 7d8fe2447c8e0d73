import assert from "node:assert/strict";
import { mergeOpenApiDocuments, PUBLIC_API } from "./openapi_merge.ts";

const error = { type: "object", properties: { error: { type: "object" } } };
const bearer = { type: "http", scheme: "bearer" };
const service = (title: string, paths: Record<string, unknown>, schemas = {}) => ({
  openapi: "3.0.3",
  info: { title, version: "0.1.0", description: `${title} does things.\n\nCommon answers.` },
  servers: [{ url: "/" }],
  tags: [{ name: title }],
  paths,
  components: { schemas: { Error: error, ...schemas }, securitySchemes: { bearerAuth: bearer } },
});

Deno.test("openapi merge: paths, tags and components of every service in one document", () => {
  const merged = mergeOpenApiDocuments([
    service("users", { "/api/users": { post: { operationId: "register" } } }, { User: {} }),
    service("chat", {
      "/api/channels": { get: { operationId: "listChannels" }, post: { operationId: "create" } },
    }),
  ], PUBLIC_API);
  assert.equal(merged.openapi, "3.0.3");
  assert.deepEqual(Object.keys(merged.paths as object), ["/api/users", "/api/channels"]);
  assert.deepEqual(merged.tags, [{ name: "users" }, { name: "chat" }]);
  assert.deepEqual(merged.servers, [{ url: "/", description: "The origin serving this document" }]);
  const components = merged.components as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(components.schemas), ["Error", "User"]);
  assert.deepEqual(components.securitySchemes.bearerAuth, bearer);
  const info = merged.info as { title: string; description: string };
  assert.equal(info.title, PUBLIC_API.title);
  assert.match(info.description, /\*\*users\*\*: users does things\./);
  assert.equal(info.description.match(/Every error has the shape/g)?.length, 1);
});

Deno.test("openapi merge: two services disagreeing is refused, naming what", () => {
  const users = service("users", { "/api/users": { post: { operationId: "register" } } });
  const disagreements: [ReturnType<typeof service>, RegExp][] = [
    [
      service("chat", { "/api/users": { post: { operationId: "other" } } }),
      /POST \/api\/users is in two documents/,
    ],
    [
      service("chat", { "/api/channels": { post: { operationId: "register" } } }),
      /operationId register: users and chat/,
    ],
    [
      service("chat", {}, { Error: { type: "string" } }),
      /components\.schemas\.Error differs in chat/,
    ],
  ];
  for (const [chat, refusal] of disagreements) {
    assert.throws(() => mergeOpenApiDocuments([users, chat], PUBLIC_API), refusal);
  }
  assert.throws(() => mergeOpenApiDocuments([{ swagger: "2.0" }], PUBLIC_API), /not an OpenAPI/);
});
