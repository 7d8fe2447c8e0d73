// deno-lint-ignore-file no-explicit-any -- tests read JSON bodies and frames of many shapes
/**
 * A real deployment for end-to-end tests: user-service and N chat-service
 * instances as their own processes (each under its `deno task start`
 * permissions) against the local Postgres, Kafka and Cassandra.
 */
import { freePort, type ServiceProcess, startTask } from "./process.ts";

const root = new URL("../../", import.meta.url).pathname;
export const TEST_JWT_SECRET = Deno.env.get("JWT_SECRET") ??
  "test-secret-for-chat-ts-integration-tests";

export interface RegisteredUser {
  readonly id: string;
  readonly username: string;
  readonly token: string;
}

export interface Stack {
  readonly userServiceUrl: string;
  readonly userServiceGrpc: string;
  readonly chatUrls: readonly string[];
  /** `deno task` pids of the chat-service instances, in `chatUrls` order. */
  readonly chatPids: readonly number[];
  register(prefix?: string): Promise<RegisteredUser>;
  /** Stops user-service only (the chat instances keep running). */
  stopUserService(): Promise<void>;
  /** Starts user-service again on the same ports. */
  startUserService(): Promise<void>;
  stop(): Promise<void>;
}

export const uniqueName = (prefix = "u") =>
  `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

/** user-service as its own process under `deno task start`, on the given ports. */
export function startUserServiceProcess(
  httpPort: number,
  grpcPort: number,
): Promise<ServiceProcess> {
  return startTask({
    cwd: `${root}services/user-service`,
    task: "start",
    env: {
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: "warn",
    },
    readyUrl: `http://127.0.0.1:${httpPort}/health/ready`,
  });
}

/** Registers and logs in a fresh user through user-service's HTTP API. */
export async function registerUser(userServiceUrl: string, prefix = "u"): Promise<RegisteredUser> {
  const username = uniqueName(prefix);
  const password = "password123";
  const created = await fetch(`${userServiceUrl}/api/users`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, email_address: `${username}@example.com`, password }),
  });
  if (created.status !== 201) {
    throw new Error(`register ${username}: ${created.status} ${await created.text()}`);
  }
  const login = await fetch(`${userServiceUrl}/api/users/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const { data } = await login.json();
  return { id: data.user.id, username, token: data.token };
}

export async function startStack(options: {
  chatInstances?: number;
  chatEnv?: Record<string, string>;
} = {}): Promise<Stack> {
  const httpPort = freePort();
  const grpcPort = freePort();
  /** The chat-service instances; user-service is tracked apart so tests can stop and restart it. */
  const started: ServiceProcess[] = [];
  const startUserService = () => startUserServiceProcess(httpPort, grpcPort);
  let userService: ServiceProcess | undefined;
  try {
    userService = await startUserService();
    const ports = Array.from({ length: options.chatInstances ?? 2 }, () => freePort());
    const chats = await Promise.all(ports.map((port) =>
      startTask({
        cwd: `${root}services/chat-service`,
        task: "start",
        env: {
          HTTP_PORT: String(port),
          JWT_SECRET: TEST_JWT_SECRET,
          USER_SERVICE_GRPC_URL: `127.0.0.1:${grpcPort}`,
          LOG_LEVEL: "warn",
          ...options.chatEnv,
        },
        readyUrl: `http://127.0.0.1:${port}/health/ready`,
        timeoutMs: 60_000,
      })
    ));
    started.push(...chats);
    const userServiceUrl = `http://127.0.0.1:${httpPort}`;
    return {
      userServiceUrl,
      userServiceGrpc: `127.0.0.1:${grpcPort}`,
      chatUrls: ports.map((p) => `http://127.0.0.1:${p}`),
      chatPids: chats.map((c) => c.pid),
      register: (prefix = "u") => registerUser(userServiceUrl, prefix),
      async stopUserService() {
        const running = userService;
        userService = undefined;
        await running?.stop();
      },
      async startUserService() {
        userService ??= await startUserService();
      },
      async stop() {
        await Promise.all([...started.map((s) => s.stop()), userService?.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([...started.map((s) => s.stop()), userService?.stop()]);
    throw error;
  }
}

/** JSON over HTTP with a bearer token; returns status and parsed body. */
export async function api(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** A WebSocket client that queues frames so tests can wait for the one they expect. */
export class TestSocket {
  readonly frames: any[] = [];
  readonly closed: Promise<CloseEvent>;
  readonly opened: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error("websocket failed to open"));
    });
    this.closed = new Promise((resolve) => socket.addEventListener("close", (e) => resolve(e)));
    socket.onmessage = (event) => {
      this.frames.push(JSON.parse(String(event.data)));
      for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  static async open(base: string, token: string): Promise<TestSocket> {
    const ws = new TestSocket(
      new WebSocket(`${base.replace("http", "ws")}/ws?token=${encodeURIComponent(token)}`),
    );
    await ws.opened;
    return ws;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Removes and returns the first frame matching `match`, waiting up to `ms`. */
  async next(match: (frame: any) => boolean = () => true, ms = 10_000): Promise<any> {
    const deadline = Date.now() + ms;
    while (true) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no matching frame within ${ms} ms; have ${JSON.stringify(this.frames).slice(0, 500)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async subscribe(channelId: string, after?: string): Promise<void> {
    this.send({
      type: "subscribe",
      channel_id: channelId,
      ...(after === undefined ? {} : { after }),
    });
    const frame = await this.next((f) => f.type === "subscribed" || f.type === "error");
    if (frame.type !== "subscribed") throw new Error(`subscribe failed: ${JSON.stringify(frame)}`);
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
