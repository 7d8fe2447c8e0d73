/**
 * A service over the network: requests are proxied over node:http, WebSockets by opening the
 * upstream socket first and relaying frames both ways. Several base URLs (chat-service
 * instances) take turns, request by request and socket by socket; any instance serves any
 * client, since fan-out runs through Kafka.
 */
import http from "node:http";
import https from "node:https";
import { unavailableJson } from "../../inbound/http/answers.ts";
import type { UpstreamService } from "../../domain/route/ports.ts";

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

export function networkUpstream(
  baseUrls: readonly string[],
  onError: (message: string, fields: Record<string, unknown>) => void,
): UpstreamService {
  const bases = baseUrls.map((u) => new URL(u));
  if (bases.length === 0) throw new RangeError("an upstream needs at least one URL");
  const sockets = new Set<WebSocket>();
  let turn = 0;
  const next = () => bases[turn++ % bases.length];
  return {
    forward(request, headers) {
      const base = next();
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        return proxyWebSocket(request, headers, base, sockets, onError);
      }
      return proxyHttp(request, headers, base, onError);
    },
    closeAll() {
      for (const socket of sockets) closeSafely(socket, 1001, "server shutting down");
    },
  };
}

function forwardedHeaders(original: Headers): Headers {
  const headers = new Headers(original);
  for (const name of HOP_BY_HOP) headers.delete(name);
  return headers;
}

/** Pooled keep-alive connections to the services; fetch cost ~3× the CPU per request here. */
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 256 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/** Statuses whose answer has no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * One request to the service over node:http with a keep-alive agent (measured: ~110 µs of CPU
 * per proxied request against ~360 µs with fetch, docs/gateway.md: Cost). The request body is
 * sent whole (the edge caps it at 256 KiB; a streamed one went out chunked and cost seconds per
 * send under load) and so is the answer (the services' answers are small JSON documents).
 */
async function proxyHttp(
  request: Request,
  headers: Headers,
  upstream: URL,
  onError: (message: string, fields: Record<string, unknown>) => void,
): Promise<Response> {
  const incoming = new URL(request.url);
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  const secure = upstream.protocol === "https:";
  const outgoing: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (!HOP_BY_HOP.includes(name)) outgoing[name] = value;
  }
  if (body !== undefined) outgoing["content-length"] = String(body.byteLength);
  return await new Promise<Response>((done) => {
    // A client that goes away cancels the upstream request; once answered, nothing is cancelled
    // (Deno aborts a served request's signal after every answer).
    const cancel = () => sent.destroy();
    const resolve = (response: Response) => {
      request.signal.removeEventListener("abort", cancel);
      done(response);
    };
    const sent = (secure ? https : http).request({
      host: upstream.hostname,
      port: upstream.port === "" ? (secure ? 443 : 80) : Number(upstream.port),
      method: request.method,
      path: incoming.pathname + incoming.search,
      headers: outgoing,
      agent: agents[secure ? "https:" : "http:"],
    }, (answer) => {
      const chunks: Uint8Array[] = [];
      answer.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      answer.on("error", () => resolve(unreachable()));
      answer.on("end", () => {
        const status = answer.statusCode ?? 502;
        const headers = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value === undefined || HOP_BY_HOP.includes(name)) continue;
          for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
        }
        const empty = NO_BODY.has(status) || request.method === "HEAD";
        resolve(new Response(empty ? null : concat(chunks), { status, headers }));
      });
    });
    const unreachable = () => {
      if (request.signal.aborted) return new Response(null, { status: 499 });
      return unavailableJson("The service behind this route is unreachable");
    };
    sent.on("error", (error) => {
      if (!request.signal.aborted) {
        onError("upstream unreachable", {
          upstream: upstream.origin,
          method: request.method,
          error,
        });
      }
      resolve(unreachable());
    });
    request.signal.addEventListener("abort", cancel, { once: true });
    sent.end(body);
  });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

/**
 * The upstream socket opens first, so a refusal (429 for too many sockets, 401 for a token the
 * gateway did not know was ended) reaches the client as the upstream's own answer; then frames
 * flow both ways and either side's close is passed on to the other.
 */
async function proxyWebSocket(
  request: Request,
  headers: Headers,
  upstream: URL,
  sockets: Set<WebSocket>,
  onError: (message: string, fields: Record<string, unknown>) => void,
): Promise<Response> {
  const incoming = new URL(request.url);
  const target = new URL(incoming.pathname + incoming.search, upstream);
  target.protocol = target.protocol === "https:" ? "wss:" : "ws:";
  // Deno's WebSocket client takes headers: the request id and the client's address go along.
  const outbound = new WebSocket(target, { headers: stripUpgrade(headers) });
  outbound.binaryType = "arraybuffer";
  const opened = await new Promise<boolean>((resolve) => {
    outbound.onopen = () => resolve(true);
    outbound.onerror = () => resolve(false);
    outbound.onclose = () => resolve(false);
  });
  if (!opened) {
    closeSafely(outbound, 1000, "");
    // Ask over plain HTTP why: chat-service answers 401/429 before an upgrade, 426 without one.
    const plain = await proxyHttp(
      new Request(request.url),
      stripUpgrade(headers),
      upstream,
      onError,
    );
    if (plain.status >= 400 && plain.status < 500 && plain.status !== 426) return plain;
    await plain.body?.cancel();
    onError("upstream refused the WebSocket", { upstream: upstream.origin, status: plain.status });
    return unavailableJson("The chat service did not accept the WebSocket");
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
  const headers = forwardedHeaders(original);
  for (const name of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"]) {
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
