/**
 * The typed client a browser or service builds with `hc<AppType>`: every route keeps its path,
 * inputs and outputs in the type (a route whose literal path is lost collapses the client type),
 * and the same calls work against the app.
 */
import assert from "node:assert/strict";
import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import { uniqueName } from "../../../../../tests/support/names.ts";
import { createTestUserService } from "../../../../../tests/support/user_service.ts";
import type { AppType } from "./app.ts";

type Client = ReturnType<typeof hc<AppType>>;
type Users = Client["api"]["users"];
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

type Credentials = { username: string; password: string };
type UserJson = {
  id: string;
  username: string;
  email: string;
  created_at: string;
  updated_at: string;
};
const routesAreTyped: [
  Equal<
    InferRequestType<Users["$post"]>["json"],
    { username: string; email_address: string; password: string }
  >,
  Equal<InferRequestType<Users["login"]["$post"]>["json"], Credentials>,
  Equal<InferRequestType<Client["api"]["auth"]["login"]["$post"]>["json"], Credentials>,
  Equal<InferRequestType<Users[":id"]["$get"]>["param"], { id: string }>,
  Equal<InferRequestType<Users[":id"]["$delete"]>["param"], { id: string }>,
  Equal<InferResponseType<Users["$post"], 201>["data"], UserJson>,
  Equal<
    InferResponseType<Users["login"]["$post"], 200>["data"],
    { token: string; refresh_token: string; expires_in: number; user: UserJson }
  >,
  Equal<InferResponseType<Users[":id"]["$get"], 200>["data"], UserJson>,
  Equal<InferResponseType<Users[":id"]["$patch"], 200>["data"], UserJson>,
  Equal<InferResponseType<Users[":id"]["$get"], 404>["error"], { code: string; message: string }>,
] = [true, true, true, true, true, true, true, true, true, true];
void routesAreTyped;

Deno.test({
  name:
    "user-service client: hc<AppType> registers, logs in on both paths, reads, changes, deletes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const svc = createTestUserService();
    try {
      const client = hc<AppType>("http://user-service.test", {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => svc.app.request(input, init),
      });
      const username = uniqueName("hc");
      const password = "password123";
      const registered = await client.api.users.$post({
        json: { username, email_address: `${username}@example.com`, password },
      });
      assert.equal(registered.status, 201);
      if (registered.status !== 201) return;
      const user = (await registered.json()).data;
      assert.equal(user.username, username);

      const login = await client.api.users.login.$post({ json: { username, password } });
      const alias = await client.api.auth.login.$post({ json: { username, password } });
      assert.equal(alias.status, 200);
      assert.equal(login.status, 200);
      if (login.status !== 200) return;
      const { token } = (await login.json()).data;
      const headers = { Authorization: `Bearer ${token}` };

      const read = await client.api.users[":id"].$get({ param: { id: user.id } }, { headers });
      assert.equal(read.status, 200);
      const renamed = `${username}_2`;
      const changed = await client.api.users[":id"].$patch(
        { param: { id: user.id }, json: { username: renamed } },
        { headers },
      );
      assert.equal(changed.status, 200);
      if (changed.status !== 200) return;
      assert.equal((await changed.json()).data.username, renamed);

      const deleted = await client.api.users[":id"].$delete({ param: { id: user.id } }, {
        headers,
      });
      assert.equal(deleted.status, 204);
      const gone = await client.api.users[":id"].$get({ param: { id: user.id } }, { headers });
      assert.equal(gone.status, 404);
      if (gone.status === 404) assert.equal((await gone.json()).error.code, "not_found");
    } finally {
      await svc.close();
    }
  },
});
