/** A service behind the gateway: over the network, or its app in this process (embedded). */
export interface UpstreamService {
  /**
   * Answers `request` with `headers` in place of its own (they carry the request id and the
   * forwarding headers): an HTTP answer, or for a WebSocket upgrade the upgrade itself,
   * proxying frames both ways. `serveInfo` is Deno.serve's handler info for the connection.
   */
  forward(request: Request, headers: Headers, serveInfo: unknown): Promise<Response>;
  /** Closes the sockets it proxies (shutdown). */
  closeAll(): void;
}
