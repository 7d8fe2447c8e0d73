/**
 * Container HEALTHCHECK for the minimal runtime images, which have no curl:
 * exits 0 when the URL answers 2xx within two seconds.
 * Compiled with --allow-net=127.0.0.1 only.
 */
const url = Deno.args[0] ?? "http://127.0.0.1/health/ready";
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  Deno.exit(res.ok ? 0 : 1);
} catch {
  Deno.exit(1);
}
