/// <reference lib="deno.worker" />
/**
 * Connections for bench/zipf.ts: opens its share of WebSockets and subscribes each to its
 * channels; deliveries.ts records what reaches them.
 */
import { closed, delivered, serveDeliveries } from "./deliveries.ts";

interface Start {
  readonly token: string;
  /** Per connection: the instance URL and the channels it subscribes to. */
  readonly connections: readonly { url: string; channels: readonly string[] }[];
}

function open(token: string, url: string, channels: readonly string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/ws?token=${encodeURIComponent(token)}`);
    let pending = channels.length;
    ws.onopen = () => {
      if (pending === 0) resolve(ws);
      for (const channel of channels) {
        ws.send(JSON.stringify({ type: "subscribe", channel_id: channel }));
      }
    };
    ws.onclose = closed;
    ws.onerror = () => reject(new Error("socket failed"));
    ws.onmessage = (m) => {
      const frame = JSON.parse(String(m.data));
      if (frame.type === "subscribed") {
        if (--pending === 0) resolve(ws);
      } else if (frame.type === "new_message") {
        delivered(frame.content);
      } else if (frame.type === "error") {
        reject(new Error(`subscribe failed: ${frame.code}`));
      }
    };
  });
}

serveDeliveries(async (start: Start) => {
  const sockets: WebSocket[] = [];
  // In groups, so thousands of upgrades do not all wait on one instance at once.
  for (let i = 0; i < start.connections.length; i += 50) {
    sockets.push(
      ...await Promise.all(
        start.connections.slice(i, i + 50).map((c) => open(start.token, c.url, c.channels)),
      ),
    );
  }
  return sockets;
});
