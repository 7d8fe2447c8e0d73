/** The benchmarks' command-line flags: `--name value` numbers and `--name NAME=VALUE` pairs. */

/** `--name N`, or `fallback` when the flag is not given. */
export function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/** Every `--name NAME=VALUE` given, as variables (e.g. for a service's environment). */
export function envArgs(name: string): Record<string, string> {
  return Object.fromEntries(
    // At the first "=" only: a value may hold one too (`DENO_V8_FLAGS=--max-semi-space-size=2`).
    Deno.args.flatMap((a, i) =>
      Deno.args[i - 1] === `--${name}`
        ? [[a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]]
        : []
    ),
  );
}

/**
 * The flags of the benchmarks that send messages while worker threads receive them: `--rate`
 * msg/s for `--seconds`, after `--warmup` seconds at the same rate (0: measure from the first
 * message), received by `--workers` threads (`workers` when not given).
 */
export function sendingArgs(workers: number) {
  return {
    rate: arg("rate", 500),
    seconds: arg("seconds", 60),
    warmup: arg("warmup", 10),
    workers: arg("workers", workers),
  };
}
