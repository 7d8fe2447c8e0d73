/**
 * How every service process serves its HTTP app and stops it: on `HTTP_HOST:HTTP_PORT`, saying
 * where it listens; on SIGINT or SIGTERM, first what feeds the server (consumers, sockets), then
 * the server drains its requests, then what the requests used is closed (docs/faults.md).
 */
import type { Logger } from "../logger.ts";
import { stopOnSignals } from "../shutdown.ts";
import { withTimeout } from "../timeout.ts";

export interface ServedProcess {
  /** The name the process logs under, `<name> listening`. */
  readonly name: string;
  readonly address: { readonly HTTP_HOST: string; readonly HTTP_PORT: number };
  readonly logger: Logger;
  /** More of what the listening line says (upstreams, a second port). */
  readonly listening?: Readonly<Record<string, unknown>>;
  /** Run before the server drains: stop what would keep requests coming or open. */
  readonly beforeDrain?: () => Promise<void> | void;
  /** Longest the drain may take before the rest is closed all the same; none: no limit. */
  readonly drainMs?: number;
  /** Run once the server has drained: close what the requests used. */
  readonly afterDrain: () => Promise<void>;
  /** Longest the whole stop may take before the process exits 1 (`stopOnSignals`). */
  readonly deadlineMs?: number;
}

export function serveUntilSignalled(
  app: {
    readonly fetch: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;
  },
  served: ServedProcess,
): Deno.HttpServer {
  const { logger } = served;
  const server = Deno.serve({
    hostname: served.address.HTTP_HOST,
    port: served.address.HTTP_PORT,
    onListen: ({ hostname, port }) =>
      logger.info(`${served.name} listening`, {
        http: `${hostname}:${port}`,
        ...served.listening,
      }),
  }, app.fetch);
  stopOnSignals(logger, async () => {
    await served.beforeDrain?.();
    const drained = server.shutdown();
    if (served.drainMs === undefined) await drained;
    else {
      await withTimeout(drained, served.drainMs).catch(() =>
        logger.warn("HTTP server drain timed out")
      );
    }
    await served.afterDrain();
  }, served.deadlineMs === undefined ? {} : { deadlineMs: served.deadlineMs });
  return server;
}
