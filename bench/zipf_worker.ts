/// <reference lib="deno.worker" />
/**
 * Connections for bench/zipf.ts: opens its share of WebSockets, subscribes each to its channels,
 * and records send→delivery latency from the send time the bench puts at the start of each
 * message (performance.timeOrigin + now() is one clock for every worker of the process).
 */
interface Start {
  readonly token: string;
  /** Per connection: the instance URL and the channels it subscribes to. */
  readonly connections: readonly { url: string; channels: readonly string[] }[];
}

const now = () => performance.timeOrigin + performance.now();
const latencies: number[] = [];
let deliveries = 0;
let recording = false;
let closedAbnormally = 0;

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
    ws.onclose = (e) => {
      if (e.code !== 1000 && e.code !== 1001) closedAbnormally++;
    };
    ws.onerror = () => reject(new Error("socket failed"));
    ws.onmessage = (m) => {
      const frame = JSON.parse(String(m.data));
      if (frame.type === "subscribed") {
        if (--pending === 0) resolve(ws);
      } else if (frame.type === "new_message" && recording) {
        deliveries++;
        latencies.push(now() - Number(frame.content.slice(0, frame.content.indexOf(" "))));
      } else if (frame.type === "error") {
        reject(new Error(`subscribe failed: ${frame.code}`));
      }
    };
  });
}

self.onmessage = async (event: MessageEvent) => {
  const data = event.data;
  if (data.type === "start") {
    const start: Start = data;
    const sockets: WebSocket[] = [];
    // In groups, so thousands of upgrades do not all wait on one instance at once.
    for (let i = 0; i < start.connections.length; i += 50) {
      sockets.push(
        ...await Promise.all(
          start.connections.slice(i, i + 50).map((c) => open(start.token, c.url, c.channels)),
        ),
      );
    }
    self.postMessage({ type: "ready", sockets: sockets.length });
  } else if (data.type === "record") {
    recording = data.on;
    if (recording) {
      deliveries = 0;
      latencies.length = 0;
    } else {
      self.postMessage({ type: "result", deliveries, latencies, closedAbnormally });
    }
  }
};
