/**
 * A bare-TCP WebSocket client for tests of misbehaving peers: it completes the
 * handshake and then reads (or does not read) the raw byte stream, so a test can
 * play a client that is too slow, or one that never answers pings.
 */
export interface RawFrame {
  readonly opcode: number;
  readonly payload: Uint8Array;
}

export class RawSocket {
  #buffer = new Uint8Array(0);

  private constructor(readonly conn: Deno.TcpConn) {}

  static async open(base: string, token: string): Promise<RawSocket> {
    const url = new URL(base);
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    await conn.write(new TextEncoder().encode(
      `GET /ws?token=${encodeURIComponent(token)} HTTP/1.1\r\nHost: ${url.host}\r\n` +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
        `Sec-WebSocket-Version: 13\r\n\r\n`,
    ));
    const socket = new RawSocket(conn);
    const head = await socket.#readUntilHeaderEnd();
    if (!head.startsWith("HTTP/1.1 101")) throw new Error(`no upgrade: ${head}`);
    return socket;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
    return true;
  }

  async #readUntilHeaderEnd(): Promise<string> {
    while (true) {
      const text = new TextDecoder().decode(this.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        this.#buffer = this.#buffer.subarray(end + 4);
        return text.slice(0, end);
      }
      if (!(await this.#fill())) throw new Error("connection closed during handshake");
    }
  }

  /** Sends one masked text frame (clients must mask). */
  async sendText(text: string): Promise<void> {
    const payload = new TextEncoder().encode(text);
    const header = payload.length < 126
      ? [0x81, 0x80 | payload.length]
      : [0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff];
    const mask = crypto.getRandomValues(new Uint8Array(4));
    const frame = new Uint8Array(header.length + 4 + payload.length);
    frame.set(header);
    frame.set(mask, header.length);
    for (let i = 0; i < payload.length; i++) {
      frame[header.length + 4 + i] = payload[i] ^ mask[i % 4];
    }
    await this.conn.write(frame);
  }

  /** The next server frame, or undefined when the stream ends. */
  async readFrame(): Promise<RawFrame | undefined> {
    while (true) {
      const parsed = this.#parse();
      if (parsed !== undefined) return parsed;
      if (!(await this.#fill())) return undefined;
    }
  }

  #parse(): RawFrame | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    let length = b[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = (b[2] << 8) | b[3];
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0));
      offset = 10;
    }
    if (b.length < offset + length) return undefined;
    const frame = { opcode: b[0] & 0x0f, payload: b.slice(offset, offset + length) };
    this.#buffer = b.subarray(offset + length);
    return frame;
  }

  /** Reads until the server's close frame; its code, or undefined if the stream just ended. */
  async readUntilClose(onFrame: (frame: RawFrame) => void = () => {}): Promise<number | undefined> {
    while (true) {
      const frame = await this.readFrame();
      if (frame === undefined) return undefined;
      if (frame.opcode === 0x8) {
        return frame.payload.length >= 2 ? (frame.payload[0] << 8) | frame.payload[1] : 1005;
      }
      onFrame(frame);
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}
