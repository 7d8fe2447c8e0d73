/**
 * What the tests of one file share (a running stack, registered users): started
 * by the first test that asks for it and stopped after the file's last test.
 * Every test awaits it itself, so any one runs alone with `deno test --filter`,
 * and a file whose tests are all filtered out starts nothing.
 */
export interface Fixture<T> {
  /** The shared value, started on first use (one start however many tests wait). */
  (): Promise<T>;
  /** Stops it now (for a test of shutdown); the next use starts a fresh one. */
  stop(): Promise<void>;
}

export function fixture<T>(start: () => Promise<T>, stop: (value: T) => Promise<void>): Fixture<T> {
  let running: Promise<T> | undefined;
  const stopNow = async () => {
    const current = running;
    running = undefined;
    if (current === undefined) return;
    // A start that failed cleaned up after itself; its tests already report the error.
    const value = await current.then((v) => ({ v }), () => undefined);
    if (value !== undefined) await stop(value.v);
  };
  // Runs once after the file's tests, filtered or not (Deno.test hooks are per module).
  Deno.test.afterAll(stopNow);
  return Object.assign(() => running ??= start(), { stop: stopNow });
}
