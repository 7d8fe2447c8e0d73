/**
 * The live connection: one WebSocket that reconnects by itself with exponential backoff and
 * jitter, notices a dead peer with a ping/pong heartbeat, and paces outgoing frames below
 * the server's flood limit (DESIGN §3: 20 frames/s sustained, burst 50).
 */
import { type ClientFrame, parseServerFrame, type ServerFrame } from "@chat-ts/client";

export type LiveStatus = "connecting" | "online" | "reconnecting" | "offline";

export interface LiveHandlers {
  /** A fresh socket is open: subscribe again to what should be live. */
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  onStatus(status: LiveStatus): void;
  /** The socket closed; `opened` tells whether it had ever opened (a refusal if not). */
  onClose(info: { opened: boolean; code: number; failures: number }): void;
}

export interface LiveOptions {
  readonly pingEveryMs: number;
  /** No frame at all for this long after a ping: the connection is dead. */
  readonly deadAfterMs: number;
  readonly backoffFirstMs: number;
  readonly backoffMaxMs: number;
  /** Open this long, a connection counts as stable and the backoff starts again. */
  readonly stableAfterMs: number;
  /** Outgoing pacing: a burst, then this many frames per second. */
  readonly burst: number;
  readonly framesPerSecond: number;
}

const defaults: LiveOptions = {
  // A quiet connection is checked every 2 s and dropped 2 s after an unanswered ping, so a lost
  // network shows within 5 s even when the browser does not say it went offline.
  pingEveryMs: 2_000,
  deadAfterMs: 2_000,
  backoffFirstMs: 500,
  backoffMaxMs: 15_000,
  stableAfterMs: 5_000,
  burst: 20,
  framesPerSecond: 10,
};

export class LiveSocket {
  readonly #options: LiveOptions;
  #socket: WebSocket | undefined;
  #stopped = true;
  /** A socket has opened since `start`: later attempts are reconnections. */
  #hasOpened = false;
  /** Connections in a row that failed to open or dropped before they were stable. */
  #failures = 0;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #lastFrameAt = 0;
  #pingSentAt: number | undefined;
  readonly #queue: string[] = [];
  #tokens: number;
  #tokensAt = Date.now();
  #drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: () => string,
    private readonly handlers: LiveHandlers,
    options: Partial<LiveOptions> = {},
  ) {
    this.#options = { ...defaults, ...options };
    this.#tokens = this.#options.burst;
  }

  get isOpen(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#failures = 0;
    this.#hasOpened = false;
    globalThis.addEventListener("online", this.#reconnectNow);
    globalThis.addEventListener("offline", this.#wentOffline);
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    globalThis.removeEventListener("online", this.#reconnectNow);
    globalThis.removeEventListener("offline", this.#wentOffline);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#drainTimer);
    this.#queue.length = 0;
    this.#drop(1000, "logged out");
    this.handlers.onStatus("offline");
  }

  /** Queues a frame for the open socket; false (and dropped) when there is none. */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    this.#queue.push(JSON.stringify(frame));
    this.#drain();
    return true;
  }

  #connect(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.handlers.onStatus(this.#hasOpened ? "reconnecting" : "connecting");
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url());
    } catch {
      this.#closed(false, 1006);
      return;
    }
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#hasOpened = true;
      // The backoff resets only once the socket has stayed up a while, so a peer that
      // accepts and drops at once is not hammered.
      this.#stableTimer = setTimeout(() => this.#failures = 0, this.#options.stableAfterMs);
      this.#lastFrameAt = Date.now();
      this.#pingSentAt = undefined;
      this.#startHeartbeat();
      this.handlers.onStatus("online");
      this.handlers.onOpen();
    };
    socket.onmessage = (event) => {
      this.#lastFrameAt = Date.now();
      this.#pingSentAt = undefined;
      if (typeof event.data !== "string") return;
      const frame = parseServerFrame(event.data);
      if (frame === undefined) {
        console.warn("chat-ts: ignoring an unexpected frame", event.data);
        return;
      }
      if (frame.type !== "pong") this.handlers.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#closed(opened, event.code);
    };
  }

  #closed(opened: boolean, code: number): void {
    this.#socket = undefined;
    this.#stopHeartbeat();
    this.#queue.length = 0;
    if (this.#stopped) return;
    this.#failures++;
    this.handlers.onStatus(this.#hasOpened ? "reconnecting" : "connecting");
    this.handlers.onClose({ opened, code, failures: this.#failures });
    if (this.#stopped) return; // onClose may have logged out
    const { backoffFirstMs, backoffMaxMs } = this.#options;
    const ceiling = Math.min(backoffMaxMs, backoffFirstMs * 2 ** (this.#failures - 1));
    const delay = ceiling / 2 + Math.random() * ceiling / 2;
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  /** Closes the current socket now, without waiting for a peer that may be gone. */
  #drop(code: number, reason: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#stopHeartbeat();
    if (socket === undefined) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close(code, reason);
    } catch { /* already closed */ }
  }

  readonly #reconnectNow = (): void => {
    if (this.#stopped || this.#socket !== undefined) return;
    this.#failures = 0;
    this.#connect();
  };

  /** The browser says the network is gone: do not wait for the heartbeat to notice. */
  readonly #wentOffline = (): void => {
    if (this.#stopped || this.#socket === undefined) return;
    this.#drop(4000, "browser offline");
    this.#closed(true, 4000);
  };

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    const { pingEveryMs, deadAfterMs } = this.#options;
    this.#pingTimer = setInterval(() => {
      const now = Date.now();
      if (this.#pingSentAt !== undefined && now - this.#pingSentAt > deadAfterMs) {
        this.#drop(4000, "heartbeat timeout");
        this.#closed(true, 4000);
        return;
      }
      if (this.#pingSentAt === undefined && now - this.#lastFrameAt >= pingEveryMs) {
        this.#pingSentAt = now;
        this.send({ type: "ping" });
      }
    }, Math.min(500, pingEveryMs));
  }

  #stopHeartbeat(): void {
    clearTimeout(this.#stableTimer);
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }

  #drain(): void {
    if (this.#drainTimer !== undefined) return;
    const { burst, framesPerSecond } = this.#options;
    const now = Date.now();
    this.#tokens = Math.min(burst, this.#tokens + (now - this.#tokensAt) * framesPerSecond / 1000);
    this.#tokensAt = now;
    while (this.#queue.length > 0 && this.#tokens >= 1) {
      const text = this.#queue.shift();
      if (text === undefined || this.#socket?.readyState !== WebSocket.OPEN) break;
      this.#socket.send(text);
      this.#tokens--;
    }
    if (this.#queue.length > 0) {
      this.#drainTimer = setTimeout(() => {
        this.#drainTimer = undefined;
        this.#drain();
      }, 1000 / framesPerSecond);
    }
  }
}
