/**
 * PGlite (Postgres compiled to WebAssembly) behind the same npm:postgres `Sql`
 * client the real deployment uses.
 *
 * npm:postgres speaks the Postgres wire protocol over a socket; here the
 * "socket" is an in-memory object that hands each protocol message to
 * PGlite's `execProtocolRawStream` and feeds the replies back. So every
 * Postgres repository, the outbox relay and the migration runner run
 * unchanged on an embedded database: no port, no server process.
 */
import { PGlite } from "@electric-sql/pglite";
import { EventEmitter } from "node:events";
import { Buffer } from "node:buffer";
import postgres from "postgres";
import type { Logger } from "./logger.ts";
import type { Sql } from "./postgres.ts";

// Postgres' default 128 MB of shared buffers is resident WebAssembly memory here, per database;
// an embedded chat needs a fraction (measured: 298 → 168 MiB RSS at 8 MB).
const POSTGRESQL_CONF = ["shared_buffers=16MB"];

export interface EmbeddedPostgres {
  readonly sql: Sql;
  /** Closes the client, then the database (flushing it to its data folder). */
  close(): Promise<void>;
}

/**
 * Opens (creating when missing) a PGlite database in `dataDir`, or in memory
 * when `dataDir` is undefined.
 */
export async function openEmbeddedPostgres(
  config: { readonly dataDir?: string; readonly logger?: Logger },
): Promise<EmbeddedPostgres> {
  if (config.dataDir !== undefined && !(await exists(`${config.dataDir}/PG_VERSION`))) {
    await createInWorker(config.dataDir);
  }
  const db = await PGlite.create({
    ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
    postgresqlconf: POSTGRESQL_CONF,
  });
  const options = {
    // PGlite is a single-session database: one connection keeps every
    // transaction's statements together, in order.
    max: 1,
    // A documented npm:postgres option its type definitions lack; hence the
    // separate object, which TypeScript checks without excess-property errors.
    socket: () => new PgliteWire(db),
    // Placeholders: npm:postgres needs them for its startup message only.
    host: "pglite",
    database: "postgres",
    username: "postgres",
    ssl: false,
    onnotice: (notice: postgres.Notice) =>
      config.logger?.debug("postgres notice", { notice: notice.message }),
    types: { bigint: postgres.BigInt },
  };
  const sql = postgres(options);
  return {
    sql,
    async close() {
      await sql.end({ timeout: 5 });
      await db.close();
    },
  };
}

/**
 * The slice of `net.Socket` npm:postgres uses, answered by PGlite. Messages
 * are split on protocol boundaries and executed one at a time, in order.
 */
class PgliteWire extends EventEmitter {
  readyState: "open" | "closed" = "open";
  #pending: Uint8Array = new Uint8Array(0);
  #startupSent = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly db: PGlite) {
    super();
  }

  write(chunk: Uint8Array | string, callback?: (error?: Error) => void): boolean {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    this.#pending = concat(this.#pending, bytes);
    for (let message = this.#nextMessage(); message; message = this.#nextMessage()) {
      const current = message;
      this.#queue = this.#queue.then(() => this.#execute(current));
    }
    queueMicrotask(() => callback?.());
    return true;
  }

  end(chunk?: Uint8Array): this {
    // The final chunk is Terminate ('X'); PGlite has no session to end.
    void chunk;
    this.destroy();
    return this;
  }

  destroy(): this {
    if (this.readyState === "open") {
      this.readyState = "closed";
      queueMicrotask(() => this.emit("close", false));
    }
    return this;
  }

  pause(): this {
    return this;
  }

  resume(): this {
    return this;
  }

  /** The next complete protocol message, or undefined until more bytes arrive. */
  #nextMessage(): Uint8Array | undefined {
    const buffer = this.#pending;
    // The startup message has no type byte: int32 length, then the body.
    const headerBytes = this.#startupSent ? 5 : 4;
    if (buffer.length < headerBytes) return undefined;
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const length = this.#startupSent ? 1 + view.getInt32(1) : view.getInt32(0);
    if (buffer.length < length) return undefined;
    this.#startupSent = true;
    this.#pending = buffer.subarray(length);
    return buffer.subarray(0, length);
  }

  async #execute(message: Uint8Array): Promise<void> {
    if (this.readyState !== "open") return;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (data) => {
            if (data.length > 0) this.emit("data", Buffer.from(data));
          },
        })
      );
    } catch (error) {
      this.emit("error", error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** initdb in a worker thread: its memory (about 0.5 GiB per database) leaves with the worker. */
async function createInWorker(dataDir: string): Promise<void> {
  const worker = new Worker(new URL("./pglite_initdb_worker.ts", import.meta.url), {
    type: "module",
  });
  try {
    const reply = await new Promise<{ ok: boolean; message?: string }>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message));
      };
      worker.postMessage({ dataDir, conf: POSTGRESQL_CONF });
    });
    if (!reply.ok) throw new Error(`creating the database in ${dataDir} failed: ${reply.message}`);
  } finally {
    worker.terminate();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
