/**
 * The embedded mode as a user runs it: `deno task start` under its own
 * permissions, one port, two people chatting live, a clean stop with a
 * socket still open, and everything still there after a restart.
 */
import assert from "node:assert/strict";
import { eventually } from "../tests/support/async.ts";
import { api } from "../tests/support/http.ts";
import { TestSocket } from "../tests/support/socket.ts";
import { freePort, type ServiceProcess } from "../tests/support/process.ts";
import {
  embeddedDir,
  embeddedPlace,
  refusedStart,
  startEmbedded,
} from "../tests/support/embedded.ts";

async function register(base: string, username: string) {
  const password = "correct horse battery";
  const created = await api(base, "POST", "/api/users", undefined, {
    username,
    email_address: `${username}@example.com`,
    password,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const login = await api(base, "POST", "/api/users/login", undefined, { username, password });
  assert.equal(login.status, 200);
  return { id: created.body.data.id as string, token: login.body.data.token as string, password };
}

/** Deno.test without the sanitizers (the tests start processes and leave their readers). */
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, sanitizeResources: false, sanitizeOps: false, fn });

/**
 * `fn` with the embedded mode running on a place of its own (`server`: the running process,
 * which a test may replace by restarting it); stopped and its data folder removed afterwards.
 */
function embeddedTest(name: string, fn: (embedded: EmbeddedRun) => Promise<void>) {
  test(name, async () => {
    const place = embeddedPlace("test");
    const embedded = { ...place, server: await startEmbedded(place.port, place.dataDir) };
    try {
      await fn(embedded);
    } finally {
      await embedded.server.stop();
      await place.remove();
    }
  });
}

interface EmbeddedRun {
  readonly dataDir: string;
  readonly port: number;
  readonly base: string;
  server: ServiceProcess;
}

embeddedTest(
  "embedded mode: one process chats live, guards its data folder, stops cleanly and keeps its data across restarts",
  async (embedded) => {
    const { dataDir, port, base } = embedded;
    // A second server on the same data folder would corrupt it: it refuses to start.
    const second = await refusedStart(freePort(), dataDir);
    assert.equal(second.code, 1);
    assert.match(second.output, /another chat-ts process/);

    const suffix = crypto.randomUUID().slice(0, 8);
    const ada = await register(base, `ada_${suffix}`);
    const bob = await register(base, `bob_${suffix}`);
    const channel = await api(base, "POST", "/api/channels", ada.token, {
      channel_type: "public",
      name: `lobby-${suffix}`,
    });
    assert.equal(channel.status, 201);
    const channelId = channel.body.data.id as string;

    const bobSocket = await TestSocket.open(base, bob.token);
    await bobSocket.subscribe(channelId);
    const adaSocket = await TestSocket.open(base, ada.token);
    adaSocket.send({ type: "send_message", channel_id: channelId, content: "hello from ada" });
    const live = await bobSocket.next((f) => f.type === "new_message");
    assert.equal(live.content, "hello from ada");
    assert.equal(live.username, `ada_${suffix}`, "the sender's name comes with the message");
    await adaSocket.close();

    // Registrations reach chat's replica through the outbox and the in-process bus.
    await eventually(10_000, "the user outbox to drain into chat's replica", async () => {
      const ready = await api(base, "GET", "/health/ready", undefined);
      assert.equal(ready.status, 200);
      return ready.body.data["user-service"].outbox.pending === 0 ? true : undefined;
    });

    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200, "the browser client is served at /");
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    await page.body?.cancel();

    // Ctrl-C with a client still connected: the socket is closed as "going away", exit 0.
    const closing = bobSocket.closed;
    assert.equal(await embedded.server.stop(), 0, embedded.server.output());
    assert.equal((await closing).code, 1001);

    embedded.server = await startEmbedded(port, dataDir);
    const history = await api(base, "GET", `/api/channels/${channelId}/messages`, ada.token);
    assert.equal(history.status, 200, "a token issued before the restart is still valid");
    assert.deepEqual(history.body.data.map((m: { content: string }) => m.content), [
      "hello from ada",
    ]);
    const login = await api(base, "POST", "/api/users/login", undefined, {
      username: `bob_${suffix}`,
      password: bob.password,
    });
    assert.equal(login.status, 200, "users persist");
  },
);

embeddedTest(
  "embedded mode: logout and account deletion close the sockets (1008 session_ended) and refuse the tokens within 2 s",
  async (embedded) => {
    const { base } = embedded;
    const suffix = crypto.randomUUID().slice(0, 8);
    const leaver = await register(base, `leaver_${suffix}`);
    const doomed = await register(base, `doomed_${suffix}`);
    const ends: [typeof leaver, () => Promise<number>][] = [
      [leaver, async () => (await api(base, "POST", "/api/auth/logout", leaver.token)).status],
      [
        doomed,
        async () => (await api(base, "DELETE", `/api/users/${doomed.id}`, doomed.token)).status,
      ],
    ];
    for (const [user, end] of ends) {
      const socket = await TestSocket.open(base, user.token);
      const started = performance.now();
      assert.equal(await end(), 204);
      const closed = await Promise.race([
        socket.closed,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000)),
      ]);
      assert.ok(closed !== undefined, "socket still open after 2 s");
      assert.equal(closed.code, 1008);
      assert.equal(closed.reason, "session_ended");
      assert.equal((await api(base, "GET", "/api/channels", user.token)).status, 401);
      assert.ok(performance.now() - started < 2000);
    }
  },
);

test(
  "embedded mode: a busy port is refused before any data folder is made, without a stack trace",
  async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    const dataDir = `../data/test-${crypto.randomUUID()}`;
    try {
      const { code, output } = await refusedStart(port, dataDir);
      assert.equal(code, 1, output);
      assert.match(output, /port is in use/);
      assert.doesNotMatch(output, /\n\s+at /);
      const made = await Deno.stat(new URL(dataDir, `file://${embeddedDir}`)).then(
        () => true,
        () => false,
      );
      assert.equal(made, false, "no data folder");
    } finally {
      listener.close();
    }
  },
);
