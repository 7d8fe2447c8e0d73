/** The benchmarks' command-line flags: `--name value` numbers and `--name NAME=VALUE` pairs. */

/** `--name N`, or `fallback` when the flag is not given. */
export function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/** Every `--name NAME=VALUE` given, as variables (e.g. for a service's environment). */
export function envArgs(name: string): Record<string, string> {
  return Object.fromEntries(
    Deno.args.flatMap((a, i) => Deno.args[i - 1] === `--${name}` ? [a.split("=", 2)] : []),
  );
}
