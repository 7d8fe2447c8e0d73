/** The client's silent refresh: a 401 renews the access token once and retries the request. */
import assert from "node:assert/strict";
import { ApiError, createApi } from "./api.ts";

const me = {
  id: "0b7c5a6e-4d1f-4a8e-9c3b-2f1e0d9c8b7a",
  username: "ada",
  email: "ada@example.com",
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
};

/** Answers as user-service would: 200 for the token "fresh", 401 for anything else. */
function fakeServer() {
  const seen: string[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const auth = request.headers.get("authorization") ?? "";
    seen.push(`${request.method} ${new URL(request.url).pathname} ${auth}`);
    const ok = auth === "Bearer fresh";
    return Promise.resolve(
      ok
        ? Response.json({ data: me })
        : Response.json({ error: { code: "invalid_token", message: "Session has ended" } }, {
          status: 401,
        }),
    );
  };
  return { seen, restore: () => globalThis.fetch = original };
}

Deno.test("api: a 401 renews the token silently and retries once", async () => {
  const server = fakeServer();
  try {
    let token = "stale";
    let refreshes = 0;
    const api = createApi("http://chat.test", {
      token: () => token,
      refresh: () => {
        refreshes++;
        token = "fresh";
        return Promise.resolve(true);
      },
    });
    assert.deepEqual(await api.user(me.id), me);
    assert.equal(refreshes, 1);
    assert.deepEqual(server.seen, [
      `GET /api/users/${me.id} Bearer stale`,
      `GET /api/users/${me.id} Bearer fresh`,
    ]);
  } finally {
    server.restore();
  }
});

Deno.test("api: when the refresh fails too, the 401 stands (the session has ended)", async () => {
  const server = fakeServer();
  try {
    let refreshes = 0;
    const api = createApi("http://chat.test", {
      token: () => "stale",
      refresh: () => {
        refreshes++;
        return Promise.resolve(false);
      },
    });
    await assert.rejects(api.user(me.id), (e) => e instanceof ApiError && e.status === 401);
    assert.equal(refreshes, 1);
    assert.equal(server.seen.length, 1, "no retry without a new token");
  } finally {
    server.restore();
  }
});
