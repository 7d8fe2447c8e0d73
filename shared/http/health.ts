/** `GET /health/live` and `GET /health/ready`, the same for every service. */
import type { Context } from "hono";

export interface Readiness {
  /** False turns the answer into a 503. */
  readonly ready: boolean;
  /** Each dependency's state, reported as is. */
  readonly checks: Record<string, unknown>;
}

export const liveHandler = (c: Context) => c.json({ data: { status: "ok" } }, 200);

export function readyHandler(readiness: () => Promise<Readiness>) {
  return async (c: Context) => {
    const report = await readiness();
    return c.json(
      { data: { status: report.ready ? "ok" : "unavailable", ...report.checks } },
      report.ready ? 200 : 503,
    );
  };
}
