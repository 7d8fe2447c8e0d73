/**
 * Graceful stop for a service process: on the first SIGINT or SIGTERM, log,
 * run `stop`, exit 0. A second signal while stopping is ignored. With
 * `deadlineMs`, a stop that takes longer (e.g. a WebSocket peer that never
 * completes the close handshake) ends the process with exit code 1.
 */
import type { Logger } from "./logger.ts";

export function stopOnSignals(
  logger: Logger,
  stop: () => Promise<void>,
  options: { readonly deadlineMs?: number } = {},
): void {
  let stopping = false;
  const onSignal = async (signal: Deno.Signal) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    const deadline = options.deadlineMs === undefined ? undefined : setTimeout(() => {
      logger.error("shutdown timed out; exiting");
      Deno.exit(1);
    }, options.deadlineMs);
    await stop();
    clearTimeout(deadline);
    Deno.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void onSignal(signal));
  }
}
