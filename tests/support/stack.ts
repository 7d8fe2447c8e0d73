/**
 * A real deployment for end-to-end tests: user-service, N chat-service
 * instances and (when asked) presence-service and M gateways as their own
 * processes (each under its `deno task start` permissions) against the local
 * Postgres, Kafka, Cassandra and Redis.
 */
import { TEST_JWT_SECRET } from "./env.ts";
import { uniqueName } from "./names.ts";
import { freePort, killService, type ServiceProcess, startTask } from "./process.ts";

const root = new URL("../../", import.meta.url).pathname;

export interface RegisteredUser {
  readonly id: string;
  readonly username: string;
  readonly token: string;
  readonly password: string;
  readonly refreshToken: string;
}

export interface Stack {
  readonly userServiceUrl: string;
  readonly userServiceGrpc: string;
  readonly chatUrls: readonly string[];
  /** `deno task` pids of the chat-service instances, in `chatUrls` order. */
  readonly chatPids: readonly number[];
  /** `deno task` pids of user-service and presence-service (when running). */
  readonly userPid: number | undefined;
  readonly presencePid: number | undefined;
  register(prefix?: string): Promise<RegisteredUser>;
  /** Everything every process of the stack has printed so far (user-service's past runs too). */
  logs(): string;
  /** Stops user-service only (the chat instances keep running). */
  stopUserService(): Promise<void>;
  /** Starts user-service again on the same ports. */
  startUserService(): Promise<void>;
  /** presence-service's HTTP address, when the stack was started with `presence`. */
  readonly presenceUrl: string | undefined;
  stopPresenceService(): Promise<void>;
  startPresenceService(): Promise<void>;
  /** The gateways' addresses, when the stack was started with `gateways` (one origin each). */
  readonly gatewayUrls: readonly string[];
  /** `deno task` pids of the gateways, in `gatewayUrls` order. */
  readonly gatewayPids: readonly number[];
  /** SIGKILLs chat-service instance `index` (a crash: no close frames, no reports). */
  killChatInstance(index: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Limits live in the shared Redis: each test stack counts under its own prefix (unless the
 * caller gives one), so one run's failed logins never throttle another run from the same address.
 */
const limitsPrefix = () => `limits-test-${crypto.randomUUID()}`;

/**
 * A service of services/ as its own process under `deno task start` on `port`: the tests' JWT
 * secret and warn-level logs, then the service's own variables and the caller's (`env` wins).
 */
function startServiceProcess(
  service: string,
  port: number,
  env: Record<string, string>,
  timeoutMs?: number,
): Promise<ServiceProcess> {
  return startTask({
    cwd: `${root}services/${service}`,
    task: "start",
    env: { HTTP_PORT: String(port), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "warn", ...env },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
    timeoutMs,
  });
}

/** user-service as its own process under `deno task start`, on the given ports. */
export function startUserServiceProcess(
  httpPort: number,
  grpcPort: number,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startServiceProcess("user-service", httpPort, {
    GRPC_PORT: String(grpcPort),
    LIMITS_REDIS_PREFIX: limitsPrefix(),
    ...env,
  });
}

/** One chat-service instance as its own process under `deno task start`, on `port`. */
export function startChatServiceProcess(
  port: number,
  userServiceGrpc: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startServiceProcess("chat-service", port, {
    USER_SERVICE_GRPC_URL: userServiceGrpc,
    LIMITS_REDIS_PREFIX: limitsPrefix(),
    ...env,
  }, 60_000);
}

/** Registers and logs in a fresh user through user-service's HTTP API. */
export async function registerUser(userServiceUrl: string, prefix = "u"): Promise<RegisteredUser> {
  const username = uniqueName(prefix);
  const password = "password123";
  const created = await postRetrying(`${userServiceUrl}/api/users`, {
    username,
    email_address: `${username}@example.com`,
    password,
  });
  // 409 after a 503: the first attempt's work finished after its deadline answer.
  if (created.status !== 201 && !(created.status === 409 && created.retried)) {
    throw new Error(`register ${username}: ${created.status} ${created.text}`);
  }
  const login = await postRetrying(`${userServiceUrl}/api/users/login`, { username, password });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${login.text}`);
  const { data } = JSON.parse(login.text);
  return {
    id: data.user.id,
    username,
    token: data.token,
    password,
    refreshToken: data.refresh_token,
  };
}

/**
 * POSTs JSON as a client should: a 503 (the service is up but a dependency or the machine is
 * too slow right now) is tried again after its `Retry-After`, a few times.
 */
async function postRetrying(url: string, body: unknown) {
  for (let attempt = 1;; attempt++) {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 503 || attempt === 6) {
      return { status: res.status, text, retried: attempt > 1 };
    }
    const wait = Number(res.headers.get("retry-after") ?? "1");
    await new Promise((r) => setTimeout(r, Math.min(Number.isFinite(wait) ? wait : 1, 5) * 1000));
  }
}

/** presence-service as its own process, in a consumer group of its own (tests run side by side). */
export function startPresenceServiceProcess(
  httpPort: number,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startServiceProcess("presence-service", httpPort, {
    PRESENCE_GROUP: `presence-service-test-${crypto.randomUUID()}`,
    ...env,
  }, 60_000);
}

/** A gateway in front of the given services, as its own process under `deno task start`. */
export function startGatewayProcess(
  port: number,
  upstreams: { users: string; chat: readonly string[]; presence: string },
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startServiceProcess("gateway", port, {
    USER_SERVICE_URL: upstreams.users,
    CHAT_SERVICE_URLS: upstreams.chat.join(","),
    PRESENCE_SERVICE_URL: upstreams.presence,
    LIMITS_REDIS_PREFIX: limitsPrefix(),
    ...env,
  }, 60_000);
}

/** A process of the stack that tests may stop and start again (on the same ports). */
function restartable(start: () => Promise<ServiceProcess>) {
  let running: ServiceProcess | undefined;
  return {
    get pid() {
      return running?.pid;
    },
    async start() {
      running ??= await start();
    },
    async stop() {
      const stopping = running;
      running = undefined;
      await stopping?.stop();
    },
  };
}

export async function startStack(options: {
  /** Gateways in front of the stack (sharing one limits prefix), with these variables. */
  gateways?: { count: number; env?: Record<string, string> };
  chatInstances?: number;
  chatEnv?: Record<string, string>;
  /** Starts presence-service too (before the chat instances), with these variables. */
  presence?: Record<string, string>;
  userEnv?: Record<string, string>;
} = {}): Promise<Stack> {
  const httpPort = freePort();
  const grpcPort = freePort();
  const presencePort = freePort();
  // One group for the stack's presence-service, so a restarted one resumes where it stopped.
  const presenceEnv = {
    PRESENCE_GROUP: `presence-service-test-${crypto.randomUUID()}`,
    ...options.presence,
  };
  const presence = restartable(() => startPresenceServiceProcess(presencePort, presenceEnv));
  // One prefix for the whole stack: its instances share their limits, as a deployment's do.
  const limits = { LIMITS_REDIS_PREFIX: limitsPrefix() };
  /** The chat-service instances; user-service is tracked apart so tests can stop and restart it. */
  const started: ServiceProcess[] = [];
  const pastUserServices: ServiceProcess[] = [];
  const userService = restartable(async () => {
    const running = await startUserServiceProcess(httpPort, grpcPort, {
      ...limits,
      ...options.userEnv,
    });
    pastUserServices.push(running);
    return running;
  });
  try {
    await userService.start();
    if (options.presence !== undefined) await presence.start();
    const ports = Array.from({ length: options.chatInstances ?? 2 }, () => freePort());
    const chats = await Promise.all(
      ports.map((port) =>
        startChatServiceProcess(port, `127.0.0.1:${grpcPort}`, { ...limits, ...options.chatEnv })
      ),
    );
    started.push(...chats);
    const userServiceUrl = `http://127.0.0.1:${httpPort}`;
    const gatewayPorts = Array.from({ length: options.gateways?.count ?? 0 }, () => freePort());
    const gateways = await Promise.all(
      gatewayPorts.map((port) =>
        startGatewayProcess(port, {
          users: userServiceUrl,
          chat: ports.map((p) => `http://127.0.0.1:${p}`),
          presence: `http://127.0.0.1:${presencePort}`,
        }, { ...limits, ...options.gateways?.env })
      ),
    );
    started.push(...gateways);
    return {
      userServiceUrl,
      userServiceGrpc: `127.0.0.1:${grpcPort}`,
      chatUrls: ports.map((p) => `http://127.0.0.1:${p}`),
      chatPids: chats.map((c) => c.pid),
      get userPid() {
        return userService.pid;
      },
      get presencePid() {
        return presence.pid;
      },
      register: (prefix = "u") => registerUser(userServiceUrl, prefix),
      logs: () => [...pastUserServices, ...started].map((p) => p.output()).join("\n"),
      stopUserService: userService.stop,
      startUserService: userService.start,
      presenceUrl: options.presence === undefined ? undefined : `http://127.0.0.1:${presencePort}`,
      stopPresenceService: presence.stop,
      startPresenceService: presence.start,
      gatewayUrls: gatewayPorts.map((p) => `http://127.0.0.1:${p}`),
      gatewayPids: gateways.map((g) => g.pid),
      killChatInstance: (index) => killService(chats[index]),
      async stop() {
        await Promise.all([...started.map((s) => s.stop()), userService.stop(), presence.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([...started.map((s) => s.stop()), userService.stop(), presence.stop()]);
    throw error;
  }
}
