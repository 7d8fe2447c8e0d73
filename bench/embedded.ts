/**
 * The embedded mode's start time and memory (a script that prints figures;
 * not a test): first start on an empty data folder, warm restarts, RSS idle,
 * and RSS with C clients connected over WebSocket, each subscribed to a
 * channel, after one message has reached all of them.
 *
 * Usage: ./deno run -A bench/embedded.ts [--clients=100] [--restarts=3]
 */
import {
  freePort,
  type ServiceProcess,
  serviceRssBytes,
  startTask,
} from "../tests/support/process.ts";
import { api } from "../tests/support/http.ts";
import { TestSocket } from "../tests/support/socket.ts";

const arg = (name: string, fallback: number) =>
  Number(Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const CLIENTS = arg("clients", 100);
const RESTARTS = arg("restarts", 3);

const embeddedDir = new URL("../embedded/", import.meta.url).pathname;
const dataDir = `../data/bench-${crypto.randomUUID()}`;
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function start(): Promise<{ server: ServiceProcess; ms: number }> {
  const t0 = performance.now();
  const server = await startTask({
    cwd: embeddedDir,
    task: "start",
    env: {
      HTTP_PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      JWT_SECRET: "",
      // Measures the embedded mode, not the per-user message rate.
      MESSAGES_PER_USER_PER_WINDOW: "1000000",
      WS_MAX_CONNECTIONS_PER_USER: "10000",
    },
    readyUrl: `${base}/health/ready`,
    timeoutMs: 120_000,
  });
  return { server, ms: performance.now() - t0 };
}

let { server, ms } = await start();
console.log(
  `first start (empty data folder: initdb + migrations + web bundle): ${ms.toFixed(0)} ms`,
);
await new Promise((r) => setTimeout(r, 2000));
console.log(`RSS after the first start: ${mib(await serviceRssBytes(server.pid))}`);
const warm: number[] = [];
for (let i = 0; i < RESTARTS; i++) {
  await server.stop();
  ({ server, ms } = await start());
  warm.push(ms);
}
console.log(`warm restarts: ${warm.map((m) => `${m.toFixed(0)} ms`).join(", ")}`);
await new Promise((r) => setTimeout(r, 2000));
console.log(`RSS idle: ${mib(await serviceRssBytes(server.pid))}`);

try {
  const sockets: TestSocket[] = [];
  let channelId = "";
  let owner = "";
  for (let i = 0; i < CLIENTS; i++) {
    const username = `bench_${crypto.randomUUID().slice(0, 8)}`;
    const password = "correct horse battery";
    await api(base, "POST", "/api/users", undefined, {
      username,
      email_address: `${username}@example.com`,
      password,
    });
    const login = await api(base, "POST", "/api/users/login", undefined, { username, password });
    const token = login.body.data.token as string;
    if (i === 0) {
      owner = token;
      const channel = await api(base, "POST", "/api/channels", token, {
        channel_type: "public",
        name: `bench-${crypto.randomUUID().slice(0, 8)}`,
      });
      channelId = channel.body.data.id;
    }
    const socket = await TestSocket.open(base, token);
    await socket.subscribe(channelId);
    sockets.push(socket);
  }
  const sent = performance.now();
  await api(base, "POST", `/api/channels/${channelId}/messages`, owner, {
    content: "hello, everyone",
  });
  await Promise.all(sockets.map((s) => s.next((f) => f.type === "new_message")));
  console.log(
    `one message to ${CLIENTS} clients: ${
      (performance.now() - sent).toFixed(1)
    } ms until the last received it`,
  );
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`RSS with ${CLIENTS} connected clients: ${mib(await serviceRssBytes(server.pid))}`);
  await Promise.all(sockets.map((s) => s.close()));
} finally {
  await server.stop();
  await Deno.remove(new URL(dataDir, new URL("../embedded/", import.meta.url)), {
    recursive: true,
  });
}
