/**
 * The routing table: one function from method and path to a `Route`. Prefixes decide the
 * service; a few (method, path) pairs decide the public routes and the rate-limit classes.
 */
import type { Route, RouteClass, Upstream } from "./models.ts";

const PREFIXES: readonly (readonly [string, Upstream])[] = [
  ["/api/users", "users"],
  ["/api/auth", "users"],
  ["/api/channels", "chat"],
  ["/api/presence", "presence"],
];

/** Reached without a token: they are how a client gets one. */
const PUBLIC: ReadonlySet<string> = new Set([
  "POST /api/users",
  "POST /api/users/login",
  "POST /api/auth/refresh",
]);

/** A path segment that names a resource kind, not one resource (`channels`, `login`). */
const FIXED_SEGMENT = /^[a-z][a-z_]*$/;

export function routeOf(method: string, path: string): Route {
  const clean = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  if (clean === "/ws") return { kind: "socket", upstream: "chat" };
  if (clean === "/health/live" || clean === "/health/ready") return { kind: "health" };
  const prefix = PREFIXES.find(([p]) => clean === p || clean.startsWith(`${p}/`));
  if (prefix === undefined) return { kind: "web" };
  const key = `${method} ${clean}`;
  return {
    kind: "api",
    upstream: prefix[1],
    routeClass: classOf(method, clean),
    access: PUBLIC.has(key) ? "public" : "token",
  };
}

function classOf(method: string, path: string): RouteClass {
  if (PUBLIC.has(`${method} ${path}`)) return "auth";
  if (method === "POST" && path === "/api/channels") return "channel_create";
  if (method === "POST" && /^\/api\/channels\/[^/]+\/messages$/.test(path)) return "send";
  return "other";
}

/**
 * The path with its ids replaced (`/api/channels/:id/messages`): what the access log names,
 * so a line carries no identifier from the URL and lines group by route.
 */
export function routePattern(path: string): string {
  return path.split("/").map((s) => s === "" || FIXED_SEGMENT.test(s) ? s : ":id").join("/");
}
