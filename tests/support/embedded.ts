/**
 * The embedded mode as a user runs it: `deno task start` in embedded/, under its own
 * permissions, on a data folder and a port of its own.
 */
import { freePort, type ServiceProcess, startTask } from "./process.ts";

export const embeddedDir = new URL("../../embedded/", import.meta.url).pathname;

/** A fresh data folder inside ../data (the embedded task may write nowhere else) and a free port. */
export function embeddedPlace(prefix: string) {
  const dataDir = `../data/${prefix}-${crypto.randomUUID()}`;
  const port = freePort();
  return {
    dataDir,
    port,
    base: `http://127.0.0.1:${port}`,
    /** Removes the data folder (the server must have stopped). */
    remove: () => Deno.remove(`${embeddedDir}${dataDir}`, { recursive: true }).catch(() => {}),
  };
}

export function startEmbedded(
  port: number,
  dataDir: string,
  timeoutMs = 60_000,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startTask({
    cwd: embeddedDir,
    task: "start",
    // No JWT_SECRET: the embedded mode generates one and keeps it in DATA_DIR.
    env: { HTTP_PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "warn", JWT_SECRET: "", ...env },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
    timeoutMs,
  });
}

/** The embedded mode on a place of its own, stopped and its data folder removed by `stop`. */
export async function embeddedMode(env: Record<string, string> = {}) {
  const place = embeddedPlace("test");
  const server = await startEmbedded(place.port, place.dataDir, 90_000, env);
  return {
    url: place.base,
    async stop() {
      await server.stop();
      await place.remove();
    },
  };
}

/** `deno task start` where it is expected to refuse: its exit code and all it printed. */
export async function refusedStart(port: number, dataDir: string) {
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "start"],
    cwd: embeddedDir,
    env: { HTTP_PORT: String(port), DATA_DIR: dataDir, JWT_SECRET: "", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
  return { code: run.code, output };
}
