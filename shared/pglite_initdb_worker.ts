/// <reference lib="deno.worker" />
/**
 * Creates a PGlite database (initdb) in `dataDir`, then exits. Run in a
 * worker so the WebAssembly memory initdb grows (about 0.5 GiB, never given
 * back) goes away with the worker instead of staying in the server.
 */
import { PGlite } from "@electric-sql/pglite";

self.onmessage = async (event: MessageEvent<{ dataDir: string; conf: string[] }>) => {
  try {
    const db = await PGlite.create({
      dataDir: event.data.dataDir,
      postgresqlconf: event.data.conf,
    });
    await db.close();
    self.postMessage({ ok: true });
  } catch (error) {
    self.postMessage({
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    });
  }
};
