// Property: whatever the network does to sends (delivered, ack lost with the connection, or lost
// before reaching the server), every send resolves exactly once with its own seq, the server never
// stores a message twice (resends reuse the clientMsgId), and the app sees seqs 1..n in order.
import {
  type ClientFrame,
  type Message,
  Message as MessageSchema,
  type SendAck,
} from "@edge-chat/protocol";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatClient } from "./client.ts";
import { FakeSocket, fakeFetch, ticketBody } from "./test-support/fakes.ts";
import { CONVERSATION, uuidFor } from "./test-support/messages.ts";

type Fate = "ack" | "lose-ack" | "lose-send";

/** A scripted ConversationDO: dedupes by clientMsgId, replays from `since`, obeys `fates`. */
class FakeServer {
  readonly stored: Message[] = [];
  readonly #byClientId = new Map<string, Message>();
  readonly #fates: Fate[];

  constructor(fates: Fate[]) {
    this.#fates = [...fates];
  }

  accept(socket: FakeSocket): void {
    queueMicrotask(() => {
      if (socket.readyState === 3) return;
      socket.open();
      const since = Number(socket.params.get("since"));
      socket.push({
        type: "welcome",
        v: 1,
        conversationId: CONVERSATION,
        userId: "alice",
        lastSeq: this.stored.length,
      });
      const missed = this.stored.filter((m) => m.seq > since);
      socket.push({ type: "sync_batch", messages: missed, toSeq: this.stored.length, more: false });
    });
  }

  receive(socket: FakeSocket, frame: ClientFrame): void {
    if (frame.type !== "send") return;
    const fate = this.#fates.shift() ?? "ack";
    if (fate === "lose-send") {
      queueMicrotask(() => socket.serverClose(1006));
      return;
    }
    let message = this.#byClientId.get(frame.clientMsgId);
    const isNew = !message;
    if (!message) {
      const seq = this.stored.length + 1;
      message = MessageSchema.parse({
        conversationId: CONVERSATION,
        seq,
        messageId: uuidFor(seq),
        clientMsgId: frame.clientMsgId,
        senderId: "alice",
        content: frame.content,
        serverTs: seq,
      });
      this.stored.push(message);
      this.#byClientId.set(frame.clientMsgId, message);
    }
    const stored = message;
    queueMicrotask(() => {
      if (fate === "lose-ack") {
        socket.serverClose(1006);
        return;
      }
      if (socket.readyState === 3) return;
      const { seq, messageId, serverTs, clientMsgId } = stored;
      socket.push({ type: "ack", reqId: frame.reqId, clientMsgId, seq, messageId, serverTs });
      if (isNew) socket.push({ type: "message", message: stored });
    });
  }
}

describe("ConversationSession under any send failures (property)", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] }));
  afterEach(() => vi.useRealTimers());

  it("resolves every send once, stores each once, delivers 1..n in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.constantFrom<Fate>("ack", "lose-ack", "lose-send"), { maxLength: 12 }),
        async (count, fates) => {
          const server = new FakeServer(fates);
          class ServerSocket extends FakeSocket {
            constructor(url: string) {
              super(url);
              server.accept(this);
            }
            override send(data: string): void {
              super.send(data);
              server.receive(this, JSON.parse(data) as ClientFrame);
            }
          }
          const { fetchImpl } = fakeFetch(() => ticketBody());
          const client = new ChatClient({
            baseUrl: "http://edge.test",
            getToken: async () => "t",
            WebSocketImpl: ServerSocket,
            fetchImpl,
          });
          const session = client.open(CONVERSATION, { heartbeatMs: 0, autoDelivered: false });
          const acks: SendAck[] = [];
          const seen: number[] = [];
          session.on("ack", (a) => acks.push(a));
          session.on("message", (m) => seen.push(m.seq));
          const results: (SendAck | undefined)[] = Array(count).fill(undefined);
          const sends = Array.from({ length: count }, (_, i) =>
            session.sendText(`m${i}`).then((ack) => {
              results[i] = ack;
            }),
          );
          // Let reconnects happen until every send has settled (bounded: fates run out).
          for (let round = 0; round < 200 && results.includes(undefined); round++) {
            await vi.advanceTimersByTimeAsync(1_000);
          }
          await Promise.all(sends);
          session.close();

          expect(server.stored).toHaveLength(count);
          expect(new Set(results.map((a) => a!.seq)).size).toBe(count);
          expect(acks).toHaveLength(count);
          expect(seen).toEqual(Array.from({ length: count }, (_, i) => i + 1));
          expect(session.pending()).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
