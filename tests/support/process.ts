/** Starting a service as its own process, under the exact permissions of its `deno task`. */

/** A port nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export interface ServiceProcess {
  /** The `deno task` process; the service runs as its descendant. */
  readonly pid: number;
  readonly output: () => string;
  /** Sends SIGTERM and resolves the exit code. */
  stop(): Promise<number>;
}

/** Runs `deno task <task>` in `cwd` with `env` added, and waits until `readyUrl` answers 200. */
export async function startTask(options: {
  cwd: string;
  task: string;
  env: Record<string, string>;
  readyUrl: string;
  timeoutMs?: number;
}): Promise<ServiceProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", options.task],
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (true) {
    if (exited) throw new Error(`deno task ${options.task} exited during start-up:\n${output}`);
    try {
      const res = await fetch(options.readyUrl);
      await res.body?.cancel();
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await status;
      throw new Error(`deno task ${options.task} not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    pid: child.pid,
    output: () => output,
    async stop() {
      if (!exited) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const { code } = await status;
      clearTimeout(timer);
      await drained;
      return code;
    },
  };
}

/**
 * SIGKILLs the service a `deno task` runs (not the task): a crash, with no
 * shutdown of its own; then waits for the task to end.
 */
export async function killService(process: ServiceProcess): Promise<void> {
  const pid = await servicePid(process.pid);
  if (pid !== undefined) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone already */ }
  }
  await process.stop();
}

/**
 * The pid of the service process started by a `deno task` (the descendant
 * running main.ts), found through Linux /proc; undefined once it has ended.
 */
export async function servicePid(taskPid: number): Promise<number | undefined> {
  const pending = [taskPid];
  while (pending.length > 0) {
    const current = pending.pop() as number;
    try {
      // `deno run … main.ts`, not a `deno task` that names it (the embedded mode's task chain).
      const args = (await Deno.readTextFile(`/proc/${current}/cmdline`)).split("\0");
      if (args[1] === "run" && args.some((a) => a.endsWith("main.ts"))) return current;
      for await (const task of Deno.readDir(`/proc/${current}/task`)) {
        const children = await Deno.readTextFile(`/proc/${current}/task/${task.name}/children`);
        pending.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  return undefined;
}

/** Resident memory, in bytes, of the service process started by a `deno task`. */
export async function serviceRssBytes(taskPid: number): Promise<number> {
  const pid = await servicePid(taskPid);
  if (pid === undefined) return 0;
  const status = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => "");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

/** CPU time (user + system, all threads), in seconds, a process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  // Fields after the command name (which may contain spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / CLOCK_TICKS;
}
