// The global per-user limit on conversation sockets: write frames count against the user's limiter
// (the same one the HTTP routes use), a refused frame is answered with `rate_limited` and its
// retryAfterMs and stores nothing, the frames that pass keep their order, and another user is not
// slowed. Run on the real Redis (through the harness's Upstash REST endpoint, as production) and on
// the embedded window. The tests' configured per-user limit is high for every other suite, so this
// one puts a narrow limiter of the same kind into the conversation's gate.
import type { FrameGate } from "../src/conversation/frame-gate.ts";
import { memoryLimiter } from "../src/ratelimit/memory.ts";
import type { GlobalLimiter, WindowLimit } from "../src/ratelimit/ports.ts";
import { upstashLimiter } from "../src/ratelimit/upstash.ts";
import { Redis } from "@upstash/redis";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, connect, users } from "./support/client.ts";

// An hour-long window: the burst below cannot straddle a window boundary in any likely run.
const LIMIT: WindowLimit = { tokens: 5, windowMs: 3_600_000 };
const FRAMES = 12;
const run = crypto.randomUUID().slice(0, 8);

function limitsOnSockets(name: string, make: () => GlobalLimiter): void {
  it(`${name}: refuses write frames over the limit with rate_limited, storing nothing`, async () => {
    const [a, b] = users(2, `wl${name}`);
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(direct));
    await runInDurableObject(stub, (instance) => {
      const gate = (instance as unknown as { gate: FrameGate }).gate;
      const narrow = make();
      // The gate reads its limiter per frame: narrow it for this conversation only.
      (gate as unknown as { limiter: () => GlobalLimiter }).limiter = () => narrow;
    });

    const socket = await connect(a!, direct);
    for (let i = 1; i <= FRAMES; i++) {
      socket.send({
        type: "send",
        reqId: `r${i}`,
        clientMsgId: `m${i}`,
        content: { kind: "text", text: `burst ${i}` },
      });
    }
    const answered = (reqId: string) =>
      socket.frames.some((f) => (f.type === "ack" || f.type === "error") && f.reqId === reqId);
    await socket.until(
      () => Array.from({ length: FRAMES }, (_, i) => `r${i + 1}`).every(answered),
      "an answer to every frame",
    );
    const acks = socket.of("ack");
    const refusals = socket.of("error");
    expect(acks.length).toBeGreaterThanOrEqual(LIMIT.tokens);
    expect(acks.length).toBeLessThan(FRAMES);
    expect(acks.length + refusals.length).toBe(FRAMES);
    for (const refusal of refusals) {
      expect(refusal.code).toBe("rate_limited");
      expect(refusal.retryAfterMs).toBeGreaterThan(0);
    }
    // The frames that passed kept their order: the first ones, seq 1, 2, 3, … in request order.
    expect(acks.map((ack) => ack.reqId)).toEqual(acks.map((_, i) => `r${i + 1}`));
    expect(acks.map((ack) => ack.seq)).toEqual(acks.map((_, i) => i + 1));
    // Nothing refused was stored.
    const history = await api(b!, "GET", `/v1/conversations/${direct}/messages`);
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m: { seq: number }) => m.seq)).toEqual(
      acks.map((ack) => ack.seq),
    );

    // Another user in the same conversation is not slowed.
    const other = await connect(b!, direct);
    other.send({
      type: "send",
      reqId: "b1",
      clientMsgId: "b1",
      content: { kind: "text", text: "hi" },
    });
    const ack = await other.next("ack", (f) => f.reqId === "b1");
    expect(ack.seq).toBe(acks.length + 1);
    socket.close();
    other.close();
  });
}

describe("global per-user limit on conversation sockets", () => {
  limitsOnSockets("redis", () =>
    upstashLimiter(new Redis({ url: env.TEST_UPSTASH_URL, token: env.TEST_UPSTASH_TOKEN }), {
      ...LIMIT,
      prefix: `rl-ws-${run}`,
      timeoutMs: 5_000,
    }),
  );
  limitsOnSockets("embedded", () => memoryLimiter(LIMIT));
});
