/** What the gateway knows about a request before it forwards it. */

/** The services behind the gateway. */
export type Upstream = "users" | "chat" | "presence";

/** Rate-limit classes (docs/limits.md: At the gateway). */
export type RouteClass = "auth" | "send" | "channel_create" | "other";

/**
 * Where a request goes: an API route to a service (public or needing an access token), the
 * WebSocket, the gateway's own answers (health), or the web client's files.
 */
export type Route =
  | {
    readonly kind: "api";
    readonly upstream: Upstream;
    readonly routeClass: RouteClass;
    readonly access: "public" | "token";
  }
  | { readonly kind: "socket"; readonly upstream: "chat" }
  | { readonly kind: "health" }
  | { readonly kind: "web" };
