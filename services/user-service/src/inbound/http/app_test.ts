/** Every row and error of DESIGN §3's user-service table, over HTTP against real Postgres. */
import assert from "node:assert/strict";
import { SignJWT, UnsecuredJWT } from "jose";
import { TEST_JWT_SECRET } from "../../../../../tests/support/env.ts";
import { uniqueName } from "../../../../../tests/support/names.ts";
import { createTestUserService } from "../../../../../tests/support/user_service.ts";
import { LoginThrottle } from "@chat-ts/shared/limits";

const svc = createTestUserService();
const { app } = svc;

const send = (method: string, path: string, body?: unknown, token?: string, raw?: string) =>
  app.request(path, {
    method,
    headers: {
      ...(body !== undefined || raw !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });

async function register(username = uniqueName(), password = "password123") {
  const email = `${username}@Example.com`;
  const res = await send("POST", "/api/users", { username, email_address: email, password });
  assert.equal(res.status, 201);
  const user = (await res.json()).data;
  const login = await send("POST", "/api/users/login", { username, password });
  assert.equal(login.status, 200);
  const token: string = (await login.json()).data.token;
  return { user, token, username, password, email };
}

async function errorOf(res: Response, status: number) {
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.equal(typeof body.error.code, "string");
  assert.equal(typeof body.error.message, "string");
  return body.error as { code: string; message: string };
}

/** The error code of a request without a body, answered with `status` (checked by `errorOf`). */
async function codeOf(method: string, path: string, token: string | undefined, status: number) {
  return (await errorOf(await send(method, path, undefined, token), status)).code;
}

/** Tests share one service and its connection pool, closed by the last test. */
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({
    name: `user-service http: ${name}`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn,
  });

test(
  "POST /api/users registers: 201 with the user, email lower-cased, no hash",
  async () => {
    const username = uniqueName("Ada");
    const res = await send("POST", "/api/users", {
      username,
      email_address: `${username}@Example.COM`,
      password: "correct horse",
    });
    assert.equal(res.status, 201);
    const { data } = await res.json();
    assert.deepEqual(Object.keys(data).sort(), [
      "created_at",
      "email",
      "id",
      "updated_at",
      "username",
    ]);
    assert.equal(data.username, username);
    assert.equal(data.email, `${username}@example.com`.toLowerCase());
    assert.equal(data.created_at, data.updated_at);
    assert.match(data.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  },
);

test("a taken username (any case) or email is a 409", async () => {
  const { username, email } = await register();
  const sameName = await send("POST", "/api/users", {
    username: username.toUpperCase(),
    email_address: `other_${username}@example.com`,
    password: "password123",
  });
  assert.equal((await errorOf(sameName, 409)).code, "username_taken");
  const sameEmail = await send("POST", "/api/users", {
    username: uniqueName(),
    email_address: email.toUpperCase(),
    password: "password123",
  });
  assert.equal((await errorOf(sameEmail, 409)).code, "email_taken");
});

test("two concurrent registrations of one name: one 201, one 409", async () => {
  const username = uniqueName();
  const attempt = (i: number) =>
    send("POST", "/api/users", {
      username,
      email_address: `${username}_${i}@example.com`,
      password: "password123",
    });
  const statuses = (await Promise.all([attempt(1), attempt(2), attempt(3)])).map((r) => r.status)
    .sort();
  assert.deepEqual(statuses, [201, 409, 409]);
});

test("rule violations are 422 naming the field; nothing is created", async () => {
  const username = uniqueName();
  const cases: [Record<string, unknown>, string][] = [
    [{ username: "ab", email_address: "a@b.co", password: "password123" }, "username"],
    [{ username: "has space", email_address: "a@b.co", password: "password123" }, "username"],
    [
      { username: "x".repeat(33), email_address: "a@b.co", password: "password123" },
      "username",
    ],
    [{ username, email_address: "not-an-email", password: "password123" }, "email_address"],
    [{ username, email_address: "a@b.co", password: "short" }, "password"],
    [{ username, email_address: "a@b.co", password: "p".repeat(129) }, "password"],
    [{ username, email_address: "a@b.co" }, "password"],
    [{ username: 42, email_address: "a@b.co", password: "password123" }, "username"],
  ];
  for (const [body, field] of cases) {
    const error = await errorOf(await send("POST", "/api/users", body), 422);
    assert.equal(error.code, "validation_failed");
    assert.match(error.message, new RegExp(`^${field}`), JSON.stringify(body));
  }
  const login = await send("POST", "/api/users/login", { username, password: "password123" });
  assert.equal(login.status, 401, "no user was created by the refused requests");
});

test(
  "malformed JSON is a 400; bodies over 256 KiB are 413; unknown routes 404",
  async () => {
    assert.equal(
      (await errorOf(await send("POST", "/api/users", undefined, undefined, "{oops"), 400))
        .code,
      "malformed_json",
    );
    const big = await send("POST", "/api/users", { username: "x".repeat(300_000) });
    assert.equal((await errorOf(big, 413)).code, "payload_too_large");
    assert.equal((await errorOf(await send("GET", "/api/nothing"), 404)).code, "not_found");
  },
);

test(
  "login on both paths gives a token and the user; failures are identical 401s",
  async () => {
    const { user, username, password } = await register();
    for (const path of ["/api/users/login", "/api/auth/login"]) {
      const res = await send("POST", path, { username: username.toUpperCase(), password });
      assert.equal(res.status, 200);
      const { data } = await res.json();
      assert.deepEqual(data.user, user);
      const claims = await svc.tokens.verify(data.token);
      assert.ok(
        claims.ok && claims.value.userId === user.id && claims.value.username === username,
      );
    }
    const wrongPassword = await errorOf(
      await send("POST", "/api/users/login", { username, password: "nope-nope" }),
      401,
    );
    const unknownUser = await errorOf(
      await send("POST", "/api/users/login", { username: uniqueName(), password }),
      401,
    );
    assert.deepEqual(wrongPassword, unknownUser);
  },
);

test("GET /api/users/{id}: any authenticated user reads any profile", async () => {
  const alice = await register();
  const bob = await register();
  const res = await send("GET", `/api/users/${alice.user.id}`, undefined, bob.token);
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).data, alice.user);
  assert.equal(await codeOf("GET", "/api/users/not-a-uuid", bob.token, 400), "invalid_parameter");
  assert.equal(
    await codeOf("GET", `/api/users/${crypto.randomUUID()}`, bob.token, 404),
    "not_found",
  );
});

test("tokens: missing, garbage, other secret, alg none, expired are 401", async () => {
  const { user, username } = await register();
  const path = `/api/users/${user.id}`;
  const now = Math.floor(Date.now() / 1000);
  const key = (s: string) => new TextEncoder().encode(s);
  const signed = (secret: string, iat: number, exp: number) =>
    new SignJWT({ username }).setProtectedHeader({ alg: "HS256" }).setSubject(user.id)
      .setIssuer("chat-ts").setIssuedAt(iat).setExpirationTime(exp).sign(key(secret));
  const tokens = {
    missing: undefined,
    garbage: "garbage.token.here",
    otherSecret: await signed("another-secret-that-is-long-enough-000000", now, now + 60),
    algNone: new UnsecuredJWT({ username }).setSubject(user.id).setIssuer("chat-ts")
      .setIssuedAt(now)
      .setExpirationTime(now + 60).encode(),
    expired: await signed(TEST_JWT_SECRET, now - 7200, now - 3600),
  };
  for (const [label, token] of Object.entries(tokens)) {
    const res = await send("GET", path, undefined, token);
    assert.equal(res.status, 401, label);
    await res.body?.cancel();
  }
  const basic = await app.request(path, {
    headers: { Authorization: `Basic ${tokens.otherSecret}` },
  });
  assert.equal(basic.status, 401);
});

test("PATCH changes oneself; updated_at moves; others get 403", async () => {
  const alice = await register();
  const bob = await register();
  const newName = uniqueName("New");
  const res = await send("PATCH", `/api/users/${alice.user.id}`, {
    username: newName,
    email_address: `${newName}@Example.com`,
    password: "a-new-password",
  }, alice.token);
  assert.equal(res.status, 200);
  const { data } = await res.json();
  assert.equal(data.username, newName);
  assert.equal(data.email, `${newName}@example.com`.toLowerCase());
  assert.equal(data.created_at, alice.user.created_at);
  assert.ok(data.updated_at > data.created_at);
  const relogin = await send("POST", "/api/users/login", {
    username: newName,
    password: "a-new-password",
  });
  assert.equal(relogin.status, 200);
  await relogin.body?.cancel();

  const forbidden = await send("PATCH", `/api/users/${alice.user.id}`, {
    username: uniqueName(),
  }, bob.token);
  assert.equal((await errorOf(forbidden, 403)).code, "forbidden");
  const taken = await send("PATCH", `/api/users/${bob.user.id}`, {
    username: newName.toLowerCase(),
  }, bob.token);
  assert.equal((await errorOf(taken, 409)).code, "username_taken");
  const invalid = await send(
    "PATCH",
    `/api/users/${bob.user.id}`,
    { email_address: "nope" },
    bob.token,
  );
  assert.match((await errorOf(invalid, 422)).message, /^email_address/);
  const empty = await send("PATCH", `/api/users/${bob.user.id}`, {}, bob.token);
  assert.equal(empty.status, 422);
  await empty.body?.cancel();
  const unchanged = await send("GET", `/api/users/${bob.user.id}`, undefined, alice.token);
  assert.deepEqual((await unchanged.json()).data, bob.user);
});

test("DELETE removes oneself (204), then 404; others get 403", async () => {
  const alice = await register();
  const bob = await register();
  assert.equal(await codeOf("DELETE", `/api/users/${alice.user.id}`, bob.token, 403), "forbidden");
  const deleted = await send("DELETE", `/api/users/${alice.user.id}`, undefined, alice.token);
  assert.equal(deleted.status, 204);
  assert.equal(await codeOf("GET", `/api/users/${alice.user.id}`, bob.token, 404), "not_found");
  assert.equal(
    await codeOf("DELETE", `/api/users/${alice.user.id}`, alice.token, 404),
    "not_found",
  );
  const patch = await send(
    "PATCH",
    `/api/users/${alice.user.id}`,
    { username: uniqueName() },
    alice.token,
  );
  assert.equal(patch.status, 404);
  await patch.body?.cancel();
});

test("refresh rotates the pair; reuse ends the session; logout is 204 and ends it", async () => {
  const alice = await register();
  const login = await send("POST", "/api/auth/login", {
    username: alice.username,
    password: alice.password,
  });
  const first = (await login.json()).data;
  assert.equal(first.expires_in, 900);
  assert.equal(typeof first.refresh_token, "string");
  const refreshed = await send("POST", "/api/auth/refresh", { refresh_token: first.refresh_token });
  assert.equal(refreshed.status, 200);
  const second = (await refreshed.json()).data;
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal(
    (await send("GET", `/api/users/${alice.user.id}`, undefined, second.token)).status,
    200,
  );
  // The old refresh token again: the session ends, and its access tokens are refused.
  const reused = await send("POST", "/api/auth/refresh", { refresh_token: first.refresh_token });
  assert.equal((await errorOf(reused, 401)).code, "invalid_refresh_token");
  assert.equal(
    await codeOf("GET", `/api/users/${alice.user.id}`, second.token, 401),
    "invalid_token",
  );
  // Logout (the session of register()'s login): 204, then its token is refused.
  const out = await send("POST", "/api/auth/logout", undefined, alice.token);
  assert.equal(out.status, 204);
  await errorOf(await send("POST", "/api/auth/logout", undefined, alice.token), 401);
  const missing = await send("POST", "/api/auth/refresh", {});
  assert.equal((await errorOf(missing, 422)).message.startsWith("refresh_token"), true);
});

test("a password change ends the other sessions, not the one that changed it", async () => {
  const alice = await register();
  const other = await send("POST", "/api/auth/login", {
    username: alice.username,
    password: alice.password,
  });
  const otherToken: string = (await other.json()).data.token;
  const changed = await send("PATCH", `/api/users/${alice.user.id}`, {
    password: "a-brand-new-password",
  }, alice.token);
  assert.equal(changed.status, 200);
  await changed.body?.cancel();
  assert.equal(
    (await send("GET", `/api/users/${alice.user.id}`, undefined, alice.token)).status,
    200,
  );
  await errorOf(await send("GET", `/api/users/${alice.user.id}`, undefined, otherToken), 401);
});

test("NUL or a lone surrogate in login, registration or PATCH is a 422 naming the field", async () => {
  const alice = await register();
  const name = uniqueName();
  const cases: [string, string, unknown, string, string?][] = [
    ["POST", "/api/users/login", { username: "x\u0000", password: "password123" }, "username"],
    [
      "POST",
      "/api/auth/login",
      { username: alice.username, password: "p\ud800ssword" },
      "password",
    ],
    ["POST", "/api/users", {
      username: name,
      email_address: `a\u0000@example.com`,
      password: "password123",
    }, "email_address"],
    [
      "PATCH",
      `/api/users/${alice.user.id}`,
      { email_address: "\udc00@x.io" },
      "email_address",
      alice.token,
    ],
    ["POST", "/api/auth/refresh", { refresh_token: "r\u0000" }, "refresh_token"],
  ];
  for (const [method, path, body, field, token] of cases) {
    const error = await errorOf(await send(method, path, body, token), 422);
    assert.equal(error.code, "validation_failed");
    assert.match(error.message, new RegExp(`^${field}: `), `${path} ${error.message}`);
  }
  // Nothing was created under that name.
  assert.equal(
    (await send("POST", "/api/users/login", { username: name, password: "password123" })).status,
    401,
  );
});

test("failed logins back off per username and per address (429 + Retry-After); a success clears it", async () => {
  const throttled = svc.appWith({
    loginThrottle: {
      username: new LoginThrottle({ freeFailures: 3, windowSeconds: 3600, maxBlockSeconds: 2 }),
      address: new LoginThrottle({ freeFailures: 100, windowSeconds: 3600, maxBlockSeconds: 2 }),
    },
  });
  const alice = await register();
  const login = (password: string, username = alice.username) =>
    throttled.request("/api/users/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
  for (let i = 0; i < 4; i++) await errorOf(await login("wrong-password"), 401);
  // The fourth failure went over the three free ones: even the right password waits now.
  const blocked = await login(alice.password);
  assert.equal((await errorOf(blocked, 429)).code, "too_many_attempts");
  assert.ok(Number(blocked.headers.get("retry-after")) >= 1);
  // Another username is not affected.
  const bob = await register();
  assert.equal((await login(bob.password, bob.username)).status, 200);
  // The block ends by itself; the legitimate user gets in and the count starts again.
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await login(alice.password)).status, 200);
  await errorOf(await login("wrong-password"), 401);
});

test("health and the OpenAPI document", async () => {
  assert.equal((await send("GET", "/health/live")).status, 200);
  const doc = await (await send("GET", "/openapi.json")).json();
  assert.equal(doc.openapi, "3.0.3");
  assert.ok(doc.paths["/api/users"].post);
  assert.ok(doc.paths["/api/users/{id}"].patch);
  // Registering needs no token; reading a user does, and says which errors it can give.
  assert.deepEqual(doc.paths["/api/users"].post.security, []);
  assert.deepEqual(doc.paths["/api/users/{id}"].get.security, [{ bearerAuth: [] }]);
  assert.deepEqual(Object.keys(doc.paths["/api/users/{id}"].get.responses).sort(), [
    "200",
    "400",
    "401",
    "404",
    "503",
  ]);
  assert.equal(doc.components.securitySchemes.bearerAuth.scheme, "bearer");
  assert.ok(doc.components.schemas.RegisterUser.properties.username.pattern);
});

Deno.test({
  name: "user-service http: cleanup",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => svc.close(),
});
