/// <reference lib="deno.worker" />
/**
 * Sockets for bench/presence.ts: opens one WebSocket per user of its share, subscribes it to
 * the user's channel, then sends its share of `set_status` and `typing` frames and records
 * send → frame latency of the `presence` and `typing` frames it receives. Send times are kept
 * in a SharedArrayBuffer by user index, so a frame caused by another worker's send is timed
 * on the same clock (performance.timeOrigin + now()).
 */
interface BenchUser {
  readonly id: string;
  readonly token: string;
  readonly channelId: string;
  readonly url: string;
}

interface Start {
  readonly users: readonly BenchUser[];
  /** Every user's id, in index order (for the shared send-time arrays). */
  readonly ids: readonly string[];
  /** [presence send time, typing send time] per user index. */
  readonly sentAt: SharedArrayBuffer;
  /** Index of this worker's first user in `ids`. */
  readonly first: number;
}

interface Run {
  readonly changesPerSecond: number;
  readonly typingPerSecond: number;
  readonly seconds: number;
}

const now = () => performance.timeOrigin + performance.now();
let start: Start;
let sockets: WebSocket[] = [];
let index = new Map<string, number>();
let sentAt: Float64Array;
let recording = false;
const latencies = { presence: [] as number[], typing: [] as number[] };
const counts = { presence: 0, typing: 0 };
let closedAbnormally = 0;

function onFrame(data: string) {
  if (!recording) return;
  // Only presence and typing frames are parsed (no messages are sent in this benchmark).
  if (!data.includes('"presence"') && !data.includes('"typing"')) return;
  const frame = JSON.parse(data);
  if (frame.type !== "presence" && frame.type !== "typing") return;
  const kind = frame.type as "presence" | "typing";
  counts[kind]++;
  const i = index.get(frame.user_id);
  if (i === undefined) return;
  // A presence frame answers the user's last change only if it says what that change set
  // (negative send time: "away" was sent); anything else (a late connect) is counted, not timed.
  const sent = sentAt[i * 2 + (kind === "presence" ? 0 : 1)];
  if (kind === "presence") {
    if (sent === 0 || (sent < 0) !== (frame.status === "away")) return;
    latencies.presence.push(now() - Math.abs(sent));
  } else if (sent > 0) latencies.typing.push(now() - sent);
}

function open(user: BenchUser): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `${user.url.replace("http", "ws")}/ws?token=${encodeURIComponent(user.token)}`,
    );
    ws.onopen = () => ws.send(JSON.stringify({ type: "subscribe", channel_id: user.channelId }));
    ws.onerror = () => reject(new Error("socket failed"));
    ws.onclose = (e) => {
      if (e.code !== 1000 && e.code !== 1001) closedAbnormally++;
    };
    ws.onmessage = (m) => {
      const data = String(m.data);
      if (data.includes('"subscribed"') && JSON.parse(data).type === "subscribed") resolve(ws);
      else onFrame(data);
    };
  });
}

async function run({ changesPerSecond, typingPerSecond, seconds }: Run) {
  const users = start.users;
  const away = new Array<boolean>(users.length).fill(false);
  let changes = 0;
  let typings = 0;
  let nextChange = 0;
  let nextTyper = 0;
  const began = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - began) / 1000;
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (; changes < elapsed * changesPerSecond; changes++) {
        const i = nextChange++ % users.length;
        away[i] = !away[i];
        sentAt[(start.first + i) * 2] = away[i] ? -now() : now();
        sockets[i].send(
          JSON.stringify({ type: "set_status", status: away[i] ? "away" : "online" }),
        );
      }
      for (; typings < elapsed * typingPerSecond; typings++) {
        const i = nextTyper++ % users.length;
        sentAt[(start.first + i) * 2 + 1] = now();
        sockets[i].send(JSON.stringify({ type: "typing", channel_id: users[i].channelId }));
      }
    }, 20);
  });
  return { changes, typings };
}

self.onmessage = async (event: MessageEvent) => {
  const data = event.data;
  if (data.type === "start") {
    start = data;
    sentAt = new Float64Array(start.sentAt);
    index = new Map(start.ids.map((id, i) => [id, i]));
    sockets = [];
    // A few at a time: thousands of simultaneous handshakes only measure the accept queue.
    for (let i = 0; i < start.users.length; i += 50) {
      sockets.push(...await Promise.all(start.users.slice(i, i + 50).map(open)));
    }
    self.postMessage({ type: "ready", sockets: sockets.length });
  } else if (data.type === "run") {
    recording = true;
    const sent = await run(data);
    self.postMessage({ type: "sent", ...sent });
  } else if (data.type === "stop") {
    recording = false;
    self.postMessage({ type: "result", counts, latencies, closedAbnormally });
    for (const ws of sockets) ws.close();
  }
};
