/**
 * Container HEALTHCHECK for the minimal runtime images, which have no curl:
 * exits 0 when the URL answers 2xx within two seconds. The URL is the first
 * argument, or else the service's readiness on its HTTP_PORT (services/Dockerfile
 * sets it per service).
 * Compiled with --allow-net=127.0.0.1 --allow-env=HTTP_PORT only.
 */
const port = Deno.env.get("HTTP_PORT");
const url = Deno.args[0] ??
  (port === undefined ? "http://127.0.0.1/health/ready" : `http://127.0.0.1:${port}/health/ready`);
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  Deno.exit(res.ok ? 0 : 1);
} catch {
  Deno.exit(1);
}
