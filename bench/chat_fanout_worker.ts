/// <reference lib="deno.worker" />
/**
 * Subscribers for bench/chat_fanout.ts: opens its share of WebSockets, subscribes
 * them to one channel, and records send→delivery latency from the send time the
 * bench embeds in each message (performance.timeOrigin + now() is one clock for
 * every worker of the process).
 */
interface Start {
  readonly urls: readonly string[];
  readonly token: string;
  readonly channelId: string;
  readonly count: number;
}

const now = () => performance.timeOrigin + performance.now();
const latencies: number[] = [];
/** When each recorded message was sent, beside its latency: for the per-second timeline. */
const sentTimes: number[] = [];
let deliveries = 0;
let recording = false;
let closedAbnormally = 0;

self.onmessage = async (event: MessageEvent) => {
  const data = event.data;
  if (data.type === "start") {
    const start: Start = data;
    const sockets = await Promise.all(
      Array.from({ length: start.count }, (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const base = start.urls[i % start.urls.length].replace("http", "ws");
          const ws = new WebSocket(`${base}/ws?token=${encodeURIComponent(start.token)}`);
          ws.onopen = () =>
            ws.send(JSON.stringify({ type: "subscribe", channel_id: start.channelId }));
          ws.onclose = (e) => {
            if (e.code !== 1000 && e.code !== 1001) closedAbnormally++;
          };
          ws.onerror = () => reject(new Error("socket failed"));
          ws.onmessage = (m) => {
            const frame = JSON.parse(String(m.data));
            if (frame.type === "subscribed") resolve(ws);
            else if (frame.type === "new_message" && recording) {
              deliveries++;
              const sentAt = Number(frame.content.slice(0, frame.content.indexOf(" ")));
              latencies.push(now() - sentAt);
              sentTimes.push(sentAt);
            }
          };
        })),
    );
    self.postMessage({ type: "ready", sockets: sockets.length });
  } else if (data.type === "record") {
    recording = data.on;
    if (recording) {
      // A new measured phase (the curve measures several on the same sockets).
      deliveries = 0;
      latencies.length = 0;
      sentTimes.length = 0;
    }
    if (!recording) {
      self.postMessage({ type: "result", deliveries, latencies, sentTimes, closedAbnormally });
    }
  }
};
