/**
 * How a service process ends. Graceful stop: on the first SIGINT or SIGTERM,
 * log, run `stop`, exit 0. A second signal while stopping is ignored. With
 * `deadlineMs`, a stop that takes longer (e.g. a WebSocket peer that never
 * completes the close handshake) ends the process with exit code 1.
 * Crash: an error nothing handled (a dependency refusing start-up, a bug)
 * is one compact log line and exit code 1, not Deno's stack-trace dump.
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

/**
 * An error or rejection nothing handled — at start-up (e.g. a Kafka topic that does not exist,
 * a database that refuses the connection) or later — is logged once as `stopped` with the error
 * (compact: the logger keeps a few frames) and the process exits 1, for its supervisor to restart.
 */
export function exitOnUncaughtErrors(logger: Logger): void {
  const crash = (error: unknown) => {
    logger.error("stopped: an error nothing handled", { error });
    Deno.exit(1);
  };
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    crash(event.reason);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    crash(event.error);
  });
}
