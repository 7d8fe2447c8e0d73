/** People search (`GET /api/users?query=`): its rules over HTTP against real Postgres. */
import assert from "node:assert/strict";
import { KeyedLimit } from "@chat-ts/shared/limits";
import { createTestUserService } from "../../../../../tests/support/user_service.ts";

const svc = createTestUserService();
const { app } = svc;
/** One prefix per run, so other tests' users never match. */
const run = crypto.randomUUID().replaceAll("-", "").slice(0, 10);

const get = (path: string, token?: string, on = app) =>
  on.request(path, { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

async function register(username: string) {
  const body = { username, email_address: `${username}@Example.com`, password: "password123" };
  const res = await app.request("/api/users", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201);
  const login = await app.request("/api/users/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: "password123" }),
  });
  const { data } = await login.json();
  return { id: data.user.id as string, username, token: data.token as string };
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `people search: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

const names = [`S${run}_Ada`, `s${run}_adam`, `s${run}_Bob`, `S${run}_ADELE`];
const users = await Promise.all(names.map(register));
const caller = users[2];

test("a prefix matches ignoring case, ordered by lower-cased username, id and username only", async () => {
  const res = await get(`/api/users?query=S${run.toUpperCase()}_AD`, caller.token);
  assert.equal(res.status, 200);
  const { data } = await res.json();
  assert.deepEqual(data, [
    { id: users[0].id, username: `S${run}_Ada` },
    { id: users[1].id, username: `s${run}_adam` },
    { id: users[3].id, username: `S${run}_ADELE` },
  ]);
  for (const entry of data) assert.deepEqual(Object.keys(entry).sort(), ["id", "username"]);
  const text = JSON.stringify(data);
  assert.doesNotMatch(text, /example\.com/i);
});

test("the prefix is a prefix, not a substring; _ is no wildcard", async () => {
  const res = await get(`/api/users?query=${run}`, caller.token);
  assert.deepEqual((await res.json()).data, []);
  // `_` matches only `_`: `s<run>X…` would match a LIKE pattern, not this search.
  await register(`s${run}xAda`);
  const under = await get(`/api/users?query=s${run}_`, caller.token);
  const found = (await under.json()).data.map((u: { username: string }) => u.username);
  assert.equal(found.length, 4);
  assert.ok(!found.includes(`s${run}xAda`));
});

test("limit caps the results (default 10, at most 20)", async () => {
  const one = await get(`/api/users?query=s${run}&limit=2`, caller.token);
  assert.equal((await one.json()).data.length, 2);
  for (const bad of ["0", "21", "x"]) {
    const res = await get(`/api/users?query=s${run}&limit=${bad}`, caller.token);
    assert.equal(res.status, 400, bad);
    assert.equal((await res.json()).error.code, "invalid_parameter");
  }
});

test("a query under 2 characters, missing or not username characters is a 422 naming query", async () => {
  for (const q of ["?query=s", "?query=", "", "?query=a%20b", "?query=ab%25"]) {
    const res = await get(`/api/users${q}`, caller.token);
    assert.equal(res.status, 422, q);
    const { error } = await res.json();
    assert.equal(error.code, "validation_failed");
    assert.match(error.message, /^query: /);
  }
});

test("search needs a token", async () => {
  const res = await get(`/api/users?query=s${run}`);
  assert.equal(res.status, 401);
});

test("searches are rate-limited per user: 429 with Retry-After", async () => {
  const limited = svc.appWith({ searchLimit: new KeyedLimit(2, 60) });
  for (let i = 0; i < 2; i++) {
    assert.equal((await get(`/api/users?query=s${run}`, caller.token, limited)).status, 200);
  }
  const refused = await get(`/api/users?query=s${run}`, caller.token, limited);
  assert.equal(refused.status, 429);
  assert.equal((await refused.json()).error.code, "rate_limited");
  assert.ok(Number(refused.headers.get("Retry-After")) >= 1);
  // Another user has their own budget.
  assert.equal((await get(`/api/users?query=s${run}`, users[0].token, limited)).status, 200);
});

Deno.test({
  name: "people search: close",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => svc.close(),
});
