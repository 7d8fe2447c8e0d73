/// <reference lib="deno.worker" />
/**
 * The worker side of the delivery benchmarks (chat_fanout.ts, zipf.ts): counts the messages
 * its sockets receive while the bench records, times each from the send time the bench puts at
 * the start of its content (performance.timeOrigin + now() is one clock for every worker of the
 * process), counts abnormal closes, and answers the bench's `start` and `record` messages
 * (`startRecording`, `stopRecording` in measure.ts).
 */
const now = () => performance.timeOrigin + performance.now();

let recording = false;
let deliveries = 0;
const latencies: number[] = [];
/** When each recorded message was sent, beside its latency: for the per-second timeline. */
const sentTimes: number[] = [];
let closedAbnormally = 0;

/** A socket's close: anything but a normal close or "going away" is counted. */
export function closed(event: CloseEvent): void {
  if (event.code !== 1000 && event.code !== 1001) closedAbnormally++;
}

/** A `new_message` frame's content: counted and timed while the bench records. */
export function delivered(content: string): void {
  if (!recording) return;
  deliveries++;
  const sentAt = Number(content.slice(0, content.indexOf(" ")));
  latencies.push(now() - sentAt);
  sentTimes.push(sentAt);
}

/**
 * Serves the bench: `start` opens this worker's sockets with `open` (its data: what the bench
 * sent) and answers `ready`; `record` on starts a new measured phase (the fan-out curve measures
 * several on the same sockets), off answers with the phase's `result`.
 */
export function serveDeliveries<Start>(
  open: (start: Start) => Promise<readonly WebSocket[]>,
): void {
  self.onmessage = async (event: MessageEvent) => {
    const data = event.data;
    if (data.type === "start") {
      const sockets = await open(data);
      self.postMessage({ type: "ready", sockets: sockets.length });
    } else if (data.type === "record") {
      recording = data.on;
      if (recording) {
        deliveries = 0;
        latencies.length = 0;
        sentTimes.length = 0;
      } else {
        self.postMessage({ type: "result", deliveries, latencies, sentTimes, closedAbnormally });
      }
    }
  };
}
