/**
 * A service's app in this process (the embedded mode): the request goes to its `fetch` as is.
 * A WebSocket upgrade must be the request Deno.serve handed over (only that one can be
 * upgraded), so it keeps its own headers; the request id reaches the service as the current
 * one (shared/request_context.ts), the client's address as the serve info.
 */
import type { UpstreamService } from "../../domain/route/ports.ts";

export interface InProcessApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

export function inProcessUpstream(app: InProcessApp): UpstreamService {
  return {
    async forward(request, headers, serveInfo) {
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        return await app.fetch(request, serveInfo);
      }
      const copy = new Request(request.url, {
        method: request.method,
        headers,
        body: request.body,
      });
      return await app.fetch(copy, serveInfo);
    },
    // The service closes its own sockets.
    closeAll() {},
  };
}
