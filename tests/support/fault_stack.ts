/**
 * What the fault tests break: a stack (user-service, two chat-service
 * instances) whose processes can be SIGKILLed and started again, and a
 * private PostgreSQL cluster of its own (port, data folder), so killing it
 * never disturbs anyone else's tests on the machine.
 */
import { silentLogger } from "@chat-ts/shared/logger";
import { migratePostgres, readMigrations } from "@chat-ts/shared/migrations";
import { connectPostgres } from "@chat-ts/shared/postgres";
import {
  type Fault,
  type StreamOptions,
  type StreamReport,
  streamThroughFault,
} from "./fault_stream.ts";
import { freePort, killService, type ServiceProcess } from "./process.ts";
import {
  type RegisteredUser,
  registerUser,
  startChatServiceProcess,
  startUserServiceProcess,
} from "./stack.ts";

const root = new URL("../../", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultStack {
  readonly userServiceUrl: string;
  readonly chatUrls: readonly string[];
  register(prefix?: string): Promise<RegisteredUser>;
  /** user-service SIGKILLed, then started again on its ports. */
  readonly userServiceKilled: Fault;
  /**
   * Chat-service instance `index` SIGKILLed (a crash) or stopped with SIGTERM (the graceful stop
   * of a deploy), then started again on its port.
   */
  chatDown(index: number, signal: "SIGKILL" | "SIGTERM"): Fault;
  /** What the running chat-service instances logged (warn and above), for a failing test. */
  chatLogs(): string;
  /** The fault stream (fault_stream.ts) through this stack's instances and its users. */
  streamThrough(
    fault: Fault,
    options?: Omit<StreamOptions, "chatUrls" | "register" | "fault">,
  ): Promise<StreamReport>;
  stop(): Promise<void>;
}

export async function startFaultStack(
  env: { readonly user?: Record<string, string>; readonly chat?: Record<string, string> } = {},
): Promise<FaultStack> {
  const httpPort = freePort();
  const grpcPort = freePort();
  const chatPorts = [freePort(), freePort()];
  const grpc = `127.0.0.1:${grpcPort}`;
  const startUser = () => startUserServiceProcess(httpPort, grpcPort, env.user);
  const startChat = (i: number) =>
    startChatServiceProcess(chatPorts[i], grpc, {
      INSTANCE_ID: `faults-${i}-${crypto.randomUUID()}`,
      ...env.chat,
    });
  let user: ServiceProcess | undefined = await startUser();
  const chats: (ServiceProcess | undefined)[] = [];
  try {
    chats.push(...await Promise.all(chatPorts.map((_, i) => startChat(i))));
  } catch (error) {
    await Promise.all([user.stop(), ...chats.map((c) => c?.stop())]);
    throw error;
  }
  const userServiceUrl = `http://127.0.0.1:${httpPort}`;
  const chatUrls = chatPorts.map((p) => `http://127.0.0.1:${p}`);
  const register = (prefix = "f") => registerUser(userServiceUrl, prefix);
  return {
    userServiceUrl,
    chatUrls,
    register,
    streamThrough: (fault, options) =>
      streamThroughFault({ ...options, chatUrls, register, fault }),
    userServiceKilled: {
      async inject() {
        if (user !== undefined) await killService(user);
        user = undefined;
      },
      async heal() {
        user ??= await startUser();
      },
    },
    chatDown: (i, signal) => ({
      async inject() {
        const c = chats[i];
        chats[i] = undefined;
        if (c !== undefined) await (signal === "SIGKILL" ? killService(c) : c.stop());
      },
      async heal() {
        chats[i] ??= await startChat(i);
      },
    }),
    chatLogs: () => chats.map((c) => c?.output() ?? "").join("\n"),
    async stop() {
      await Promise.all([user?.stop(), ...chats.map((c) => c?.stop())]);
    },
  };
}

/** Runs `test` on a fresh fault stack and stops the stack afterwards, whatever happened. */
export async function withFaultStack(
  test: (stack: FaultStack) => Promise<void>,
  env?: Parameters<typeof startFaultStack>[0],
): Promise<void> {
  const stack = await startFaultStack(env);
  try {
    await test(stack);
  } finally {
    await stack.stop();
  }
}

/** A fault test: Deno.test without the sanitizers (it starts processes and leaves readers). */
export function faultTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, sanitizeResources: false, sanitizeOps: false, fn });
}

/** The fault of a component that is SIGKILLed and started again (a private JVM or PostgreSQL). */
export function killedAndRestarted(
  component: { kill(): Promise<void>; start(): Promise<void> },
): Fault {
  return { inject: () => component.kill(), heal: () => component.start() };
}

/**
 * A fault test of the fault stream: on a fresh fault stack (started with `setup.env`), the
 * stream through `fault` (of the stack), then `check` of its report; the stack stopped
 * afterwards, whatever happened.
 */
export function faultStreamTest(
  name: string,
  fault: (stack: FaultStack) => Fault | Promise<Fault>,
  check: (report: StreamReport, stack: FaultStack) => void,
  setup: {
    readonly env?: () => Promise<Parameters<typeof startFaultStack>[0]>;
    readonly options?: Omit<StreamOptions, "chatUrls" | "register" | "fault">;
  } = {},
): void {
  faultTest(name, async () => {
    await withFaultStack(
      async (stack) => check(await stack.streamThrough(await fault(stack), setup.options), stack),
      await setup.env?.(),
    );
  });
}

const PG_BIN = "/usr/lib/postgresql/15/bin";
const isRoot = () => Deno.uid() === 0;

/** Runs a PostgreSQL binary, as the postgres user when this process is root (initdb refuses root). */
function pgCommand(binary: string, args: string[]): Deno.Command {
  return isRoot()
    ? new Deno.Command("runuser", {
      args: ["-u", "postgres", "--", `${PG_BIN}/${binary}`, ...args],
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(`${PG_BIN}/${binary}`, { args, stdout: "piped", stderr: "piped" });
}

/** A PostgreSQL cluster of the test's own: its port, its data folder, `users` and `chat` migrated. */
export class PrivatePostgres {
  readonly port = freePort();
  #dir = "";
  #server: Deno.ChildProcess | undefined;

  url(database: "users" | "chat"): string {
    return `postgres://chat:chat@127.0.0.1:${this.port}/${database}`;
  }

  async create(): Promise<void> {
    this.#dir = await Deno.makeTempDir({ prefix: "chat-ts-faults-pg-" });
    if (isRoot()) await new Deno.Command("chown", { args: ["postgres", this.#dir] }).output();
    const init = await pgCommand("initdb", [
      "-D",
      `${this.#dir}/data`,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
    ]).output();
    if (!init.success) throw new Error(`initdb: ${new TextDecoder().decode(init.stderr)}`);
    const conf = [
      "listen_addresses = '127.0.0.1'",
      `port = ${this.port}`,
      `unix_socket_directories = '${this.#dir}'`,
      "max_connections = 100",
      "shared_buffers = 32MB",
      // The kill is a SIGKILL of the server, not of the machine: the OS keeps what was written,
      // so fsync may be off, but a commit must be written before it is acknowledged — with
      // synchronous_commit off, a send answered 201 could lose its outbox row (CI run of stop 20).
      "fsync = off",
      "synchronous_commit = on",
      "full_page_writes = off",
    ].join("\n");
    const confPath = `${this.#dir}/data/postgresql.conf`;
    await Deno.writeTextFile(confPath, `\n${conf}\n`, { append: true });
    await this.start();
    const admin = connectPostgres({ url: `postgres://postgres@127.0.0.1:${this.port}/postgres` });
    try {
      await admin.unsafe("create role chat login password 'chat' createdb");
      await admin.unsafe("create database users owner chat");
      await admin.unsafe("create database chat owner chat");
    } finally {
      await admin.end();
    }
    const migrations = `${root}migrations`;
    for (const db of ["users", "chat"] as const) {
      const sql = connectPostgres({ url: this.url(db), max: 1 });
      try {
        await migratePostgres(
          sql,
          await readMigrations(`${migrations}/${db === "users" ? "user" : "chat"}`, "sql"),
          silentLogger,
        );
      } finally {
        await sql.end();
      }
    }
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    this.#server = pgCommand("postgres", ["-D", `${this.#dir}/data`]).spawn();
    void this.#server.stdout.cancel();
    void this.#server.stderr.cancel();
    const deadline = Date.now() + 60_000;
    while (true) {
      const sql = connectPostgres({ url: `postgres://postgres@127.0.0.1:${this.port}/postgres` });
      const up = await sql`select 1`.then(() => true, () => false);
      await sql.end({ timeout: 1 });
      if (up) return;
      if (Date.now() > deadline) throw new Error("private PostgreSQL did not start");
      await sleep(100);
    }
  }

  /** SIGKILLs the postmaster (its backends notice and exit), waits until the port is free. */
  async kill(): Promise<void> {
    const pidFile = await Deno.readTextFile(`${this.#dir}/data/postmaster.pid`);
    Deno.kill(Number(pidFile.split("\n")[0]), "SIGKILL");
    await this.#server?.status;
    this.#server = undefined;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port: this.port })).close();
        await sleep(100);
      } catch {
        return;
      }
    }
  }

  async destroy(): Promise<void> {
    if (this.#server !== undefined) await this.kill().catch(() => {});
    await sleep(500); // backends exit after the postmaster
    if (this.#dir !== "") await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}
