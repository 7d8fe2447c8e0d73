/** The embedded mode as `deno task start` runs it, on a free port with a data folder of its own. */
import { freePort, startTask } from "./process.ts";

const embeddedDir = new URL("../../embedded/", import.meta.url);

export interface EmbeddedMode {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startEmbedded(env: Record<string, string> = {}): Promise<EmbeddedMode> {
  const port = freePort();
  const dataDir = `../data/test-${crypto.randomUUID()}`;
  const server = await startTask({
    cwd: embeddedDir.pathname,
    task: "start",
    env: { HTTP_PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env },
    readyUrl: `http://127.0.0.1:${port}/health/ready`,
    timeoutMs: 90_000,
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await server.stop();
      await Deno.remove(new URL(dataDir, embeddedDir), { recursive: true }).catch(() => {});
    },
  };
}
