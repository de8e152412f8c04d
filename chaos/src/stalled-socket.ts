// A conversation device that stops reading, for the slow-consumer scenario. The platform WebSocket
// always reads, so this is a raw TCP client: it completes the upgrade, then reads nothing (the
// kernel's receive window fills and the edge's send queue for it grows) until `resume()`, which
// reads what the edge kept for it, frame by frame, up to the server's close.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export interface Drained {
  /** The text frames read, in order. */
  texts: string[];
  /** Bytes read after the upgrade (frames and their headers). */
  bytes: number;
  /** The server's close frame, or null if none came before the deadline. */
  close: { code: number; reason: string } | null;
}

export class StalledSocket {
  readonly #socket: Socket;
  #pending: Buffer;

  private constructor(socket: Socket, rest: Buffer) {
    this.#socket = socket;
    this.#pending = rest;
  }

  /** Opens `url` (ws://), completes the upgrade and stops reading. */
  static async open(url: string, timeoutMs: number): Promise<StalledSocket> {
    const target = new URL(url);
    const socket = connect(Number(target.port), target.hostname);
    const head = await new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const timer = setTimeout(() => reject(new Error("upgrade timed out")), timeoutMs);
      socket.once("error", reject);
      socket.on("data", (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.indexOf("\r\n\r\n") < 0) return;
        clearTimeout(timer);
        socket.pause();
        socket.removeAllListeners("data");
        resolve(got);
      });
      socket.once("connect", () => {
        const key = randomBytes(16).toString("base64");
        socket.write(
          `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
            `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
            "Sec-WebSocket-Version: 13\r\n\r\n",
        );
      });
    });
    const end = head.indexOf("\r\n\r\n") + 4;
    const status = head.subarray(0, head.indexOf("\r\n")).toString();
    if (!status.includes(" 101 ")) {
      socket.destroy();
      throw new Error(`upgrade refused: ${status}`);
    }
    return new StalledSocket(socket, head.subarray(end));
  }

  /** Sends one text frame (writing still works while reading is stopped). */
  send(text: string): void {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const header =
      payload.length < 126
        ? Buffer.from([0x81, 0x80 | payload.length])
        : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    if (payload.length > 0xffff) throw new Error("frame too large for this client");
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    this.#socket.write(Buffer.concat([header, mask, payload]));
  }

  /** Reads again, up to the server's close frame or `timeoutMs`; then the socket is destroyed. */
  resume(timeoutMs: number): Promise<Drained> {
    const drained: Drained = { texts: [], bytes: this.#pending.length, close: null };
    let buffer = this.#pending;
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#socket.removeAllListeners("data");
        this.#socket.destroy();
        resolve(drained);
      };
      const timer = setTimeout(finish, timeoutMs);
      const parse = () => {
        for (;;) {
          const frame = nextFrame(buffer);
          if (!frame) return;
          buffer = buffer.subarray(frame.size);
          if (frame.opcode === 0x1) drained.texts.push(frame.payload.toString());
          if (frame.opcode === 0x8) {
            drained.close = {
              code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005,
              reason: frame.payload.subarray(2).toString(),
            };
            finish();
            return;
          }
        }
      };
      this.#socket.on("data", (chunk: Buffer) => {
        drained.bytes += chunk.length;
        buffer = Buffer.concat([buffer, chunk]);
        parse();
      });
      this.#socket.once("close", finish);
      parse();
      this.#socket.resume();
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

/** One unmasked server frame at the start of `buffer`, or null if it is not all there yet. */
function nextFrame(buffer: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (buffer.length < 2) return null;
  const opcode = buffer[0]! & 0x0f;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return null;
  return { opcode, payload: buffer.subarray(offset, offset + length), size: offset + length };
}
