/// <reference lib="deno.worker" />
/**
 * Subscribers for bench/chat_fanout.ts: opens its share of WebSockets and subscribes them to
 * one channel; deliveries.ts records what reaches them.
 */
import { closed, delivered, serveDeliveries } from "./deliveries.ts";

interface Start {
  readonly urls: readonly string[];
  readonly token: string;
  readonly channelId: string;
  readonly count: number;
}

serveDeliveries((start: Start) =>
  Promise.all(
    Array.from({ length: start.count }, (_, i) =>
      new Promise<WebSocket>((resolve, reject) => {
        const base = start.urls[i % start.urls.length].replace("http", "ws");
        const ws = new WebSocket(`${base}/ws?token=${encodeURIComponent(start.token)}`);
        ws.onopen = () =>
          ws.send(JSON.stringify({ type: "subscribe", channel_id: start.channelId }));
        ws.onclose = closed;
        ws.onerror = () => reject(new Error("socket failed"));
        ws.onmessage = (m) => {
          const frame = JSON.parse(String(m.data));
          if (frame.type === "subscribed") resolve(ws);
          else if (frame.type === "new_message") delivered(frame.content);
        };
      })),
  )
);
