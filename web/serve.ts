/**
 * Development server for the client against the real deployment: serves the three static
 * files and reverse-proxies the APIs, so the page reaches user-service and chat-service on
 * its own origin as it does in the embedded mode.
 *
 *   /api/users*, /api/auth*   → USER_API_URL (default http://localhost:3001)
 *   /api/channels*, /ws       → CHAT_API_URL (default http://localhost:3002), /ws as WebSocket
 *   /api/presence             → PRESENCE_API_URL (default http://localhost:3004)
 */
import { env, loadConfig } from "@chat-ts/shared/config";
import { ASSET_CACHE_CONTROL, readClientAsset } from "./assets.ts";

/** Request headers that belong to one hop, not to the upstream request. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
];

export interface WebServerOptions {
  readonly hostname: string;
  readonly port: number;
  readonly userApiUrl: string;
  readonly chatApiUrl: string;
  readonly presenceApiUrl?: string;
}

export interface WebServer {
  readonly url: string;
  shutdown(): Promise<void>;
}

export function startWebServer(options: WebServerOptions): WebServer {
  const user = new URL(options.userApiUrl);
  const chat = new URL(options.chatApiUrl);
  const presence = new URL(options.presenceApiUrl ?? "http://localhost:3004");
  const sockets = new Set<WebSocket>();

  const server = Deno.serve(
    { hostname: options.hostname, port: options.port, onListen: () => {} },
    (request, info) => {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === "/ws") {
        return proxyWebSocket(request, chat, sockets, clientAddress(info.remoteAddr));
      }
      if (under(path, "/api/users") || under(path, "/api/auth")) {
        return proxyHttp(request, user, clientAddress(info.remoteAddr));
      }
      if (under(path, "/api/presence")) {
        return proxyHttp(request, presence, clientAddress(info.remoteAddr));
      }
      if (under(path, "/api/channels")) {
        return proxyHttp(request, chat, clientAddress(info.remoteAddr));
      }
      if (request.method === "GET" || request.method === "HEAD") return serveAsset(request, path);
      return errorJson(404, "not_found", `No route for ${request.method} ${path}`);
    },
  );
  const host = options.hostname === "0.0.0.0" ? "localhost" : options.hostname;
  return {
    url: `http://${host}:${server.addr.port}`,
    async shutdown() {
      for (const socket of sockets) closeSafely(socket, 1001, "server shutting down");
      await server.shutdown();
    },
  };
}

function clientAddress(addr: Deno.Addr): string | undefined {
  return addr.transport === "tcp" || addr.transport === "udp" ? addr.hostname : undefined;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

async function serveAsset(request: Request, path: string): Promise<Response> {
  const asset = await readClientAsset(path);
  switch (asset?.kind) {
    case undefined:
      return errorJson(404, "not_found", `No route for ${request.method} ${path}`);
    case "file":
      return new Response(asset.body, {
        headers: { "content-type": asset.type, "cache-control": ASSET_CACHE_CONTROL },
      });
    case "not_built":
      return errorJson(
        503,
        "not_built",
        `${asset.file} is missing: run \`deno task build\` in web/ first`,
      );
    default: {
      const unknown: never = asset;
      throw new Error(`unhandled asset ${JSON.stringify(unknown)}`);
    }
  }
}

async function proxyHttp(
  request: Request,
  upstream: URL,
  forwardedFor: string | undefined,
): Promise<Response> {
  const incoming = new URL(request.url);
  const target = new URL(incoming.pathname + incoming.search, upstream);
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  if (forwardedFor !== undefined) headers.set("x-forwarded-for", forwardedFor);
  headers.set("x-forwarded-host", incoming.host);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  try {
    const response = await fetch(target, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
      signal: request.signal,
    });
    const answer = new Headers(response.headers);
    // fetch has already decoded a compressed body; its encoding and length no longer apply.
    if (answer.has("content-encoding")) {
      answer.delete("content-encoding");
      answer.delete("content-length");
    }
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers: answer,
    });
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    console.error(`proxy ${request.method} ${target}: ${error}`);
    return errorJson(502, "upstream_unavailable", `${upstream.origin} is not reachable`);
  }
}

/**
 * The WebSocket proxy: the upstream socket opens first, so a refusal (a bad token gives
 * 401 before the upgrade) reaches the browser as the upstream's own response; then frames
 * flow both ways and either side's close is passed on to the other.
 */
async function proxyWebSocket(
  request: Request,
  upstream: URL,
  sockets: Set<WebSocket>,
  forwardedFor: string | undefined,
): Promise<Response> {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return await proxyHttp(request, upstream, forwardedFor);
  }
  const incoming = new URL(request.url);
  const target = new URL(incoming.pathname + incoming.search, upstream);
  target.protocol = target.protocol === "https:" ? "wss:" : "ws:";

  const outbound = new WebSocket(target);
  outbound.binaryType = "arraybuffer";
  const opened = await new Promise<boolean>((resolve) => {
    outbound.onopen = () => resolve(true);
    outbound.onerror = () => resolve(false);
    outbound.onclose = () => resolve(false);
  });
  if (!opened) {
    closeSafely(outbound, 1000, "");
    // Ask over plain HTTP why: chat-service answers 401 for a bad token, 426 for a good one.
    const plain = await proxyHttp(
      new Request(request.url, { headers: stripUpgrade(request.headers) }),
      upstream,
      forwardedFor,
    );
    if (plain.status >= 400 && plain.status < 500 && plain.status !== 426) return plain;
    await plain.body?.cancel();
    return errorJson(502, "upstream_unavailable", `${upstream.origin} refused the WebSocket`);
  }

  const { socket: inbound, response } = Deno.upgradeWebSocket(request);
  sockets.add(inbound);
  sockets.add(outbound);
  const early: (string | ArrayBuffer)[] = [];
  outbound.onmessage = (event) => {
    if (inbound.readyState === WebSocket.OPEN) inbound.send(event.data);
    else early.push(event.data);
  };
  inbound.onopen = () => {
    for (const data of early.splice(0)) inbound.send(data);
  };
  inbound.onmessage = (event) => {
    if (outbound.readyState === WebSocket.OPEN) outbound.send(event.data);
  };
  outbound.onerror = () => {};
  inbound.onerror = () => {};
  outbound.onclose = (event) => {
    sockets.delete(outbound);
    // 1005 (no code) and 1006/1015 (no close frame) cannot be sent; the upstream is gone.
    const code = [1005, 1006, 1015].includes(event.code) ? 1011 : event.code;
    closeSafely(inbound, code, event.reason || "upstream closed");
  };
  inbound.onclose = (event) => {
    sockets.delete(inbound);
    // A client-side socket may only send 1000 or 3000–4999.
    const code = event.code === 1000 || (event.code >= 3000 && event.code <= 4999)
      ? event.code
      : 1000;
    closeSafely(outbound, code, event.reason);
  };
  return response;
}

function stripUpgrade(original: Headers): Headers {
  const headers = new Headers(original);
  for (const name of ["upgrade", "sec-websocket-key", "sec-websocket-version"]) {
    headers.delete(name);
  }
  return headers;
}

function closeSafely(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
  try {
    socket.close(code, reason.slice(0, 120));
  } catch {
    try {
      socket.close();
    } catch { /* already closed */ }
  }
}

function errorJson(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

if (import.meta.main) {
  const config = loadConfig({
    WEB_HOST: env.string("0.0.0.0"),
    WEB_PORT: env.port(8080),
    USER_API_URL: env.url("http://localhost:3001"),
    CHAT_API_URL: env.url("http://localhost:3002"),
    PRESENCE_API_URL: env.url("http://localhost:3004"),
  });
  if (!config.ok) {
    console.error(config.error.message);
    Deno.exit(1);
  }
  const { WEB_HOST, WEB_PORT, USER_API_URL, CHAT_API_URL, PRESENCE_API_URL } = config.value;
  const server = startWebServer({
    hostname: WEB_HOST,
    port: WEB_PORT,
    userApiUrl: USER_API_URL,
    chatApiUrl: CHAT_API_URL,
    presenceApiUrl: PRESENCE_API_URL,
  });
  console.log(
    `chat-ts web client on ${server.url} (users → ${USER_API_URL}, chat → ${CHAT_API_URL})`,
  );
  // Open sockets are closed first; a peer that never answers does not hold up the exit.
  const stop = () =>
    void Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 3_000))])
      .finally(() => Deno.exit(0));
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
