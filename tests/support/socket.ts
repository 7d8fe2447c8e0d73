// deno-lint-ignore-file no-explicit-any -- tests read frames of many shapes
import assert from "node:assert/strict";
import { createTokenCodec } from "@chat-ts/shared/jwt";

/**
 * The upgrade to `/ws` at `base` refuses a missing, empty, malformed, forged (another secret) or
 * expired token (signed with `secret`, the server's) with a plain 401 carrying an error code.
 */
export async function assertUpgradeRefusesBadTokens(
  base: string,
  secret: string,
  user: { readonly id: string; readonly username: string },
): Promise<void> {
  const forged = await createTokenCodec({ secret: "another-secret-of-at-least-32-bytes!!" })
    .issue({ userId: user.id, username: user.username });
  const expired = await createTokenCodec({
    secret,
    now: () => new Date(Date.now() - 2 * 86_400_000),
  }).issue({ userId: user.id, username: user.username });
  for (const query of ["", "?token=", "?token=garbage", `?token=${forged}`, `?token=${expired}`]) {
    const res = await fetch(`${base}/ws${query}`, {
      headers: { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Version": "13" },
    });
    assert.equal(res.status, 401, query);
    assert.equal(typeof (await res.json()).error.code, "string");
  }
}

/** A WebSocket client that queues frames so tests can wait for the one they expect. */
export class TestSocket {
  readonly frames: any[] = [];
  readonly closed: Promise<CloseEvent>;
  readonly opened: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error("websocket failed to open"));
    });
    this.closed = new Promise((resolve) => socket.addEventListener("close", (e) => resolve(e)));
    socket.onmessage = (event) => {
      this.frames.push(JSON.parse(String(event.data)));
      for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  static async open(base: string, token: string): Promise<TestSocket> {
    const ws = new TestSocket(
      new WebSocket(`${base.replace("http", "ws")}/ws?token=${encodeURIComponent(token)}`),
    );
    await ws.opened;
    return ws;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Removes and returns the first frame matching `match`, waiting up to `ms`. */
  async next(match: (frame: any) => boolean = () => true, ms = 10_000): Promise<any> {
    const deadline = Date.now() + ms;
    while (true) {
      const index = this.frames.findIndex(match);
      if (index >= 0) return this.frames.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no matching frame within ${ms} ms; have ${JSON.stringify(this.frames).slice(0, 500)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async subscribe(channelId: string, after?: string): Promise<void> {
    this.send({
      type: "subscribe",
      channel_id: channelId,
      ...(after === undefined ? {} : { after }),
    });
    const frame = await this.next((f) => f.type === "subscribed" || f.type === "error");
    if (frame.type !== "subscribed") throw new Error(`subscribe failed: ${JSON.stringify(frame)}`);
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}

/**
 * `open(base, user, ...channelIds)`: a socket of `user` on the instance at `base`, subscribed
 * to `channelIds`, kept in `opened` (the test file's list, closed after its tests).
 */
export function socketOpener(opened: TestSocket[]) {
  return async (base: string, user: { readonly token: string }, ...channelIds: string[]) => {
    const socket = await TestSocket.open(base, user.token);
    opened.push(socket);
    for (const channelId of channelIds) await socket.subscribe(channelId);
    return socket;
  };
}
