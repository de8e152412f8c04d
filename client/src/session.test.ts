import type { Message, SendAck, ServerFrame } from "@edge-chat/protocol";
import { PROTOCOL_VERSION } from "@edge-chat/protocol";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ChatClient } from "./client.ts";
import type { SessionEvents, SessionOptions } from "./session.ts";
import {
  MemoryOfflineQueueStore,
  type OfflineQueueStore,
  WebStorageOfflineQueueStore,
} from "./storage.ts";
import {
  type FakeRequest,
  type FakeSocket,
  fakeFetch,
  fakeWebSockets,
  ticketBody,
} from "./test-support/fakes.ts";
import { CONVERSATION, makeMessage, uuidFor } from "./test-support/messages.ts";

type Route = (request: FakeRequest) => [number, unknown] | Promise<[number, unknown]> | undefined;

function setup(options: SessionOptions & { route?: Route; store?: OfflineQueueStore } = {}) {
  const { route, store, ...sessionOptions } = options;
  const { WebSocketImpl, sockets } = fakeWebSockets();
  const { fetchImpl, requests } = fakeFetch(async (request) => {
    const routed = await route?.(request);
    if (routed) return routed;
    if (request.path.endsWith("/tickets")) return ticketBody();
    return [404, { error: { code: "not_found", message: "no route", retriable: false } }];
  });
  const client = new ChatClient({
    baseUrl: "http://edge.test",
    getToken: async () => "token-alice",
    WebSocketImpl,
    fetchImpl,
    ...(store ? { storage: store } : {}),
  });
  const session = client.open(CONVERSATION, {
    heartbeatMs: 0,
    backoff: { random: () => 1 },
    ...sessionOptions,
  });
  const events = {
    messages: [] as Message[],
    acks: [] as SendAck[],
    errors: [] as SessionEvents["error"][],
    states: [] as SessionEvents["state"][],
    typing: [] as SessionEvents["typing"][],
    status: [] as SessionEvents["status"][],
  };
  session.on("message", (m) => events.messages.push(m));
  session.on("ack", (a) => events.acks.push(a));
  session.on("error", (e) => events.errors.push(e));
  session.on("state", (s) => events.states.push(s));
  session.on("typing", (t) => events.typing.push(t));
  session.on("status", (s) => events.status.push(s));
  /** Waits for socket number `n` (0-based) to be created. */
  const socket = async (n: number): Promise<FakeSocket> => {
    await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(n));
    return sockets[n]!;
  };
  /** Waits for socket `n`, opens it and welcomes the client. */
  const welcome = async (n: number, lastSeq: number, userId = "alice"): Promise<FakeSocket> => {
    const s = await socket(n);
    s.open();
    s.push({ type: "welcome", v: 1, conversationId: CONVERSATION, userId, lastSeq });
    return s;
  };
  return { client, session, sockets, requests, events, socket, welcome };
}

const seqsOf = (messages: Message[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const batch = (seqs: number[], more: boolean): ServerFrame => ({
  type: "sync_batch",
  messages: seqs.map((s) => makeMessage(s)),
  toSeq: seqs.at(-1) ?? 0,
  more,
});
const ackFor = (clientMsgId: string, seq: number): ServerFrame => ({
  type: "ack",
  reqId: clientMsgId,
  clientMsgId,
  seq,
  messageId: uuidFor(seq),
  serverTs: 1,
});

describe("ConversationSession: connecting", () => {
  it("asks for a fresh ticket and opens the socket with ticket, version and since", async () => {
    const t = setup({ lastSeq: 7 });
    const s = await t.socket(0);
    const ticketRequest = t.requests.find((r) => r.path.endsWith("/tickets"))!;
    expect(ticketRequest.method).toBe("POST");
    expect(ticketRequest.path).toBe(`/v1/conversations/${CONVERSATION}/tickets`);
    expect(ticketRequest.headers.get("authorization")).toBe("Bearer token-alice");
    expect(
      s.url.startsWith(`ws://edge.test/v1/conversations/${encodeURIComponent(CONVERSATION)}/ws?`),
    ).toBe(true);
    expect(s.params.get("ticket")).toMatch(/^ticket-/);
    expect(s.params.get("v")).toBe(String(PROTOCOL_VERSION));
    expect(s.params.get("since")).toBe("7");
    expect(t.session.state).toBe("connecting");
    await t.welcome(0, 7);
    expect(t.session.state).toBe("open");
    expect(t.session.userId).toBe("alice");
    t.session.close();
    expect(t.session.state).toBe("closed");
    expect(s.closedByClient?.code).toBe(1000);
  });
});

describe("ConversationSession: ordered, exactly-once delivery", () => {
  it("pages the replay and holds live frames that overtake it until the gap fills", async () => {
    const t = setup();
    const s = await t.welcome(0, 5);
    s.push(batch([1, 2], true));
    expect(s.sentOf("sync").at(-1)?.afterSeq).toBe(2);
    s.push({ type: "message", message: makeMessage(6) }); // live, ahead of the replay
    s.push({ type: "message", message: makeMessage(3) }); // live, duplicated by the replay below
    expect(seqsOf(t.events.messages)).toEqual([1, 2, 3]);
    s.push(batch([3, 4, 5], false));
    expect(seqsOf(t.events.messages)).toEqual([1, 2, 3, 4, 5, 6]);
    s.push({ type: "message", message: makeMessage(6) });
    s.push({ type: "message", message: makeMessage(7) });
    expect(seqsOf(t.events.messages)).toEqual(range(1, 7));
    expect(t.session.lastSeq).toBe(7);
  });

  it("takes a v2 `messages` frame exactly like its messages one by one, with one delivered", async () => {
    const t = setup();
    const s = await t.welcome(0, 0);
    s.push({ type: "message", message: makeMessage(1) });
    s.push({ type: "messages", messages: [1, 2, 3, 4].map((n) => makeMessage(n)) });
    expect(seqsOf(t.events.messages)).toEqual([1, 2, 3, 4]);
    await vi.waitFor(() => expect(s.sentOf("delivered").at(-1)?.upToSeq).toBe(4));
  });

  it("asks for the missing range when a live frame skips ahead outside a replay", async () => {
    const t = setup({ lastSeq: 3 });
    const s = await t.welcome(0, 3);
    s.push({ type: "message", message: makeMessage(6) });
    expect(t.events.messages).toEqual([]);
    expect(s.sentOf("sync").at(-1)?.afterSeq).toBe(3);
    s.push(batch([4, 5, 6], false));
    expect(seqsOf(t.events.messages)).toEqual([4, 5, 6]);
  });

  it("fills a sync_gap from HTTP history, then resumes the replay from the edge window", async () => {
    const history = new Map<number, Message[]>([
      [0, [makeMessage(1), makeMessage(2), makeMessage(3)]],
      [3, [makeMessage(4), makeMessage(5)]],
    ]);
    const t = setup({
      route: (r) => {
        if (r.method === "GET" && r.path.endsWith("/messages")) {
          const after = Number(r.query.get("after"));
          return [200, { messages: history.get(after) ?? [], hasMore: after < 3 }];
        }
        return undefined;
      },
    });
    const s = await t.welcome(0, 8);
    s.push({ type: "sync_gap", afterSeq: 0, oldestSeq: 6 });
    s.push({ type: "message", message: makeMessage(9) }); // live while history loads
    await vi.waitFor(() => expect(s.sentOf("sync")).toHaveLength(1));
    expect(s.sentOf("sync")[0]!.afterSeq).toBe(5);
    const historyQueries = t.requests.filter((r) => r.path.endsWith("/messages"));
    expect(historyQueries.map((r) => r.query.get("after"))).toEqual(["0", "3"]);
    expect(seqsOf(t.events.messages)).toEqual([1, 2, 3, 4, 5]);
    s.push(batch([6, 7, 8], false));
    expect(seqsOf(t.events.messages)).toEqual(range(1, 9));
  });

  it("delivers each seq once, in order, for any chunking, duplication and interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        async (total, chunkSizes, liveSeqs) => {
          const t = setup({ autoDelivered: false });
          const s = await t.welcome(0, total);
          // Live frames (arbitrary seqs, possibly duplicated) interleaved with a paged replay.
          const live = liveSeqs.map((n) => 1 + (n % total));
          let cursor = 0;
          let chunk = 0;
          while (cursor < total) {
            const size = chunkSizes[chunk++ % chunkSizes.length]!;
            const seqs = range(cursor + 1, Math.min(total, cursor + size));
            cursor = seqs.at(-1)!;
            const l = live.shift();
            if (l !== undefined) s.push({ type: "message", message: makeMessage(l) });
            s.push(batch(seqs, cursor < total));
          }
          for (const l of live) s.push({ type: "message", message: makeMessage(l) });
          expect(seqsOf(t.events.messages)).toEqual(range(1, total));
          t.session.close();
        },
      ),
      { numRuns: 50 },
    );
  });

  it("sends delivered once per burst of received messages, unless turned off", async () => {
    const t = setup();
    const s = await t.welcome(0, 3);
    s.push(batch([1, 2, 3], false));
    await vi.waitFor(() =>
      expect(s.sentOf("delivered")).toEqual([{ type: "delivered", upToSeq: 3 }]),
    );

    const quiet = setup({ autoDelivered: false });
    const q = await quiet.welcome(0, 3);
    q.push(batch([1, 2, 3], false));
    await quiet.session.markRead(3);
    expect(q.sentOf("delivered")).toEqual([]);
    expect(q.sentOf("read")).toEqual([{ type: "read", upToSeq: 3 }]);

    // With this device's id, the server keeps a watermark for the device (push skipping).
    const named = setup({ deviceId: "laptop-1" });
    const d = await named.welcome(0, 2);
    d.push(batch([1, 2], false));
    await vi.waitFor(() =>
      expect(d.sentOf("delivered")).toEqual([
        { type: "delivered", upToSeq: 2, deviceId: "laptop-1" },
      ]),
    );
  });

  it("reports status changes of my messages and ignores undecodable frames", async () => {
    const t = setup();
    const s = await t.welcome(0, 0);
    s.push({ type: "status", status: "read", upToSeq: 4 });
    s.pushRaw("{nonsense");
    expect(t.events.status).toEqual([{ status: "read", upToSeq: 4 }]);
    expect(t.events.errors.map((e) => e.code)).toEqual(["invalid_request"]);
    expect(t.session.state).toBe("open");
  });

  it("reports the peer's presence a block or unblock sends, without the frame's type", async () => {
    const t = setup();
    const s = await t.welcome(0, 0);
    const seen: SessionEvents["presence"][] = [];
    t.session.on("presence", (p) => seen.push(p));
    s.push({ type: "presence", userId: "bob", online: false });
    s.push({ type: "presence", userId: "bob", online: false, lastSeenAt: 5 });
    expect(seen).toEqual([
      { userId: "bob", online: false },
      { userId: "bob", online: false, lastSeenAt: 5 },
    ]);
    expect(t.events.errors).toEqual([]);
  });
});

describe("ConversationSession: offline queue", () => {
  beforeEach(() =>
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    }),
  );
  afterEach(() => vi.useRealTimers());

  it("resends an unacked message with the same clientMsgId after a reconnect; acks once", async () => {
    const t = setup();
    const first = await t.welcome(0, 0);
    const acked = t.session.sendText("hello");
    await vi.waitFor(() => expect(first.sentOf("send")).toHaveLength(1));
    const { clientMsgId } = first.sentOf("send")[0]!;
    expect(t.session.pending().map((m) => m.clientMsgId)).toEqual([clientMsgId]);
    first.serverClose(1006);
    expect(t.session.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(200);
    const second = await t.welcome(1, 0);
    expect(second.sentOf("send").map((f) => f.clientMsgId)).toEqual([clientMsgId]);
    second.push(ackFor(clientMsgId, 1));
    second.push(ackFor(clientMsgId, 1)); // a resend's duplicate ack
    await expect(acked).resolves.toMatchObject({ clientMsgId, seq: 1 });
    expect(t.events.acks).toHaveLength(1);
    expect(t.session.pending()).toEqual([]);
  });

  it("queues sends while offline and flushes them, oldest first, once welcomed", async () => {
    const t = setup();
    const a = t.session.sendText("one");
    const b = t.session.sendText("two", { replyToSeq: 1 });
    const s = await t.welcome(0, 0);
    const sends = s.sentOf("send");
    expect(sends.map((f) => f.content)).toEqual([
      { kind: "text", text: "one" },
      { kind: "text", text: "two" },
    ]);
    expect(sends[1]!.replyToSeq).toBe(1);
    s.push(ackFor(sends[0]!.clientMsgId, 1));
    s.push(ackFor(sends[1]!.clientMsgId, 2));
    await expect(a).resolves.toMatchObject({ seq: 1 });
    await expect(b).resolves.toMatchObject({ seq: 2 });
  });

  it("counts my own message seen in a replay as acked (its ack was lost with the socket)", async () => {
    const t = setup();
    const first = await t.welcome(0, 0);
    const acked = t.session.sendText("hi");
    await vi.waitFor(() => expect(first.sentOf("send")).toHaveLength(1));
    const { clientMsgId } = first.sentOf("send")[0]!;
    first.push({ type: "message", message: makeMessage(1, { senderId: "alice", clientMsgId }) });
    await expect(acked).resolves.toMatchObject({ clientMsgId, seq: 1, messageId: uuidFor(1) });
    expect(t.events.acks).toHaveLength(1);
  });

  it("keeps pending messages across a page reload with persistent storage", async () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    };
    const before = setup({ store: new WebStorageOfflineQueueStore(storage) });
    const lost = before.session.sendText("written offline");
    await vi.waitFor(() => expect(data.size).toBe(1));
    before.session.close(); // the page goes away before any connection
    await expect(lost).rejects.toMatchObject({ code: "unavailable" });

    const after = setup({ store: new WebStorageOfflineQueueStore(storage) });
    await after.session.ready();
    expect(after.session.pending().map((m) => m.content)).toEqual([
      { kind: "text", text: "written offline" },
    ]);
    const s = await after.welcome(0, 0);
    const [send] = s.sentOf("send");
    expect(send?.content).toEqual({ kind: "text", text: "written offline" });
    s.push(ackFor(send!.clientMsgId, 1));
    expect(after.events.acks.map((a) => a.clientMsgId)).toEqual([send!.clientMsgId]);
    await vi.waitFor(() => expect(data.size).toBe(0));
  });

  it("waits out a rate limit and resends the same message, surfacing the error", async () => {
    const t = setup();
    const s = await t.welcome(0, 0);
    const acked = t.session.sendText("too fast");
    await vi.waitFor(() => expect(s.sentOf("send")).toHaveLength(1));
    const { clientMsgId } = s.sentOf("send")[0]!;
    s.push({
      type: "error",
      reqId: clientMsgId,
      code: "rate_limited",
      message: "slow down",
      retriable: true,
      retryAfterMs: 1_500,
    });
    expect(t.events.errors.map((e) => [e.code, e.retryAfterMs])).toEqual([["rate_limited", 1_500]]);
    await vi.advanceTimersByTimeAsync(1_499);
    expect(s.sentOf("send")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.sentOf("send").map((f) => f.clientMsgId)).toEqual([clientMsgId, clientMsgId]);
    s.push(ackFor(clientMsgId, 1));
    await expect(acked).resolves.toMatchObject({ seq: 1 });
  });

  it("fails a send the server refuses for good, and drops it from the offline queue", async () => {
    const t = setup();
    const s = await t.welcome(0, 0);
    const acked = t.session.sendText("bad");
    await vi.waitFor(() => expect(s.sentOf("send")).toHaveLength(1));
    const { clientMsgId } = s.sentOf("send")[0]!;
    s.push({
      type: "error",
      reqId: clientMsgId,
      code: "content_too_large",
      message: "too big",
      retriable: false,
    });
    await expect(acked).rejects.toMatchObject({ code: "content_too_large" });
    expect(t.session.pending()).toEqual([]);
  });

  it("refuses invalid content before queueing it", async () => {
    const t = setup();
    await expect(t.session.sendText("")).rejects.toMatchObject({ code: "invalid_request" });
    await expect(t.session.sendText("x".repeat(5_000))).rejects.toMatchObject({
      code: "content_too_large",
    });
    expect(t.session.pending()).toEqual([]);
  });
});

describe("ConversationSession: reconnecting", () => {
  beforeEach(() =>
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    }),
  );
  afterEach(() => vi.useRealTimers());

  it("backs off 200, 400, 800 ms with a new ticket each time, resets after a stable connection", async () => {
    const t = setup({ backoff: { random: () => 1, stableAfterMs: 5_000 } });
    await t.welcome(0, 0);
    for (let n = 0; n < 3; n++) {
      t.sockets[n]!.serverClose(1006);
      await vi.advanceTimersByTimeAsync(t.events.states.at(-1)!.retryInMs!);
      await t.socket(n + 1);
    }
    const delays = t.events.states
      .filter((s) => s.state === "reconnecting")
      .map((s) => s.retryInMs);
    expect(delays).toEqual([200, 400, 800]);
    const tickets = t.sockets.map((s) => s.params.get("ticket"));
    expect(new Set(tickets).size).toBe(4);
    // Stays up long enough to count as stable: the next drop starts from 200 ms again.
    await t.welcome(3, 0);
    await vi.advanceTimersByTimeAsync(5_000);
    t.sockets[3]!.serverClose(1001);
    expect(t.events.states.at(-1)).toMatchObject({ state: "reconnecting", retryInMs: 200 });
  });

  it("replays from the last seq it has seen", async () => {
    const t = setup();
    const s = await t.welcome(0, 2);
    s.push(batch([1, 2], false));
    s.serverClose(1011);
    await vi.advanceTimersByTimeAsync(200);
    expect((await t.socket(1)).params.get("since")).toBe("2");
  });

  it("gets a new ticket after 4401 but stops for good on 4404, failing pending sends", async () => {
    const t = setup();
    const first = await t.welcome(0, 0);
    first.serverClose(4401, "ticket expired");
    expect(t.events.errors.at(-1)?.code).toBe("unauthenticated");
    await vi.advanceTimersByTimeAsync(200);
    const second = await t.welcome(1, 0);
    const pending = t.session.sendText("to nobody");
    await vi.waitFor(() => expect(second.sentOf("send")).toHaveLength(1));
    second.serverClose(4404, "not a member");
    expect(t.session.state).toBe("closed");
    expect(t.events.states.at(-1)).toMatchObject({ state: "closed" });
    await expect(pending).rejects.toMatchObject({ code: "not_found" });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(t.sockets).toHaveLength(2);
    expect(t.session.pending()).toEqual([]);
  });

  it("stops when the ticket request says the caller is not a member", async () => {
    const t = setup({
      route: (r) =>
        r.path.endsWith("/tickets")
          ? [
              404,
              { error: { code: "not_found", message: "no such conversation", retriable: false } },
            ]
          : undefined,
    });
    await vi.waitFor(() => expect(t.session.state).toBe("closed"));
    expect(t.events.errors.map((e) => e.code)).toEqual(["not_found"]);
    expect(t.sockets).toHaveLength(0);
  });

  it("drops and replaces a connection whose heartbeat goes unanswered", async () => {
    const t = setup({ heartbeatMs: 1_000, requestTimeoutMs: 500 });
    const s = await t.welcome(0, 0);
    await vi.advanceTimersByTimeAsync(1_000);
    const [ping] = s.sentOf("ping");
    s.push({ type: "pong", reqId: ping!.reqId, serverTs: 1 }); // alive
    await vi.advanceTimersByTimeAsync(1_500); // the next ping gets no answer
    expect(s.closedByClient).toBeDefined();
    expect(t.events.errors.at(-1)?.code).toBe("unavailable");
    await vi.advanceTimersByTimeAsync(200);
    await t.welcome(1, 0);
    expect(t.session.state).toBe("open");
  });

  it("does not skip a gap that history cannot fill yet: it retries instead", async () => {
    let historyCalls = 0;
    const t = setup({
      route: (r) => {
        if (r.method !== "GET" || !r.path.endsWith("/messages")) return undefined;
        historyCalls++;
        return [200, { messages: [], hasMore: true, olderInRegion: { beforeSeq: 4 } }];
      },
    });
    const s = await t.welcome(0, 6);
    s.push({ type: "sync_gap", afterSeq: 0, oldestSeq: 4 });
    await vi.waitFor(() => expect(t.session.state).toBe("reconnecting"));
    expect(historyCalls).toBe(1);
    expect(t.events.errors.at(-1)?.message).toBe("history is missing messages; retrying");
    expect(s.sentOf("sync")).toEqual([]);
    expect(t.events.messages).toEqual([]);
    expect(s.closedByClient).toBeDefined();
  });

  it("reconnects when the history request itself fails during a gap fill", async () => {
    const t = setup({
      route: (r) =>
        r.method === "GET" && r.path.endsWith("/messages")
          ? [503, { error: { code: "unavailable", message: "region down", retriable: true } }]
          : undefined,
    });
    const s = await t.welcome(0, 6);
    s.push({ type: "sync_gap", afterSeq: 0, oldestSeq: 4 });
    await vi.waitFor(() => expect(t.session.state).toBe("reconnecting"));
    expect(t.events.errors.at(-1)).toMatchObject({ code: "unavailable", message: "region down" });
    await vi.advanceTimersByTimeAsync(200);
    expect((await t.socket(1)).params.get("since")).toBe("0");
  });

  it("retries the ticket request while the edge is unreachable", async () => {
    let down = true;
    const t = setup({
      route: (r) => {
        if (!r.path.endsWith("/tickets") || !down) return undefined;
        return [503, { error: { code: "unavailable", message: "down", retriable: true } }];
      },
    });
    await vi.waitFor(() => expect(t.session.state).toBe("reconnecting"));
    down = false;
    await vi.advanceTimersByTimeAsync(200);
    await t.welcome(0, 0);
    expect(t.session.state).toBe("open");
  });
});

describe("ConversationSession: typing and requests", () => {
  beforeEach(() =>
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    }),
  );
  afterEach(() => vi.useRealTimers());

  it("shows a remote typist until they stop, send, or go quiet; ignores my own echo", async () => {
    const t = setup({ typingExpiryMs: 6_000 });
    const s = await t.welcome(0, 0);
    s.push({ type: "typing", userId: "alice", state: "start" });
    s.push({ type: "typing", userId: "bob", state: "start" });
    expect(t.session.typists).toEqual(["bob"]);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(t.session.typists).toEqual([]);
    s.push({ type: "typing", userId: "bob", state: "start" });
    s.push({ type: "message", message: makeMessage(1, { senderId: "bob" }) });
    expect(t.events.typing.map((c) => c.typing)).toEqual([true, false, true, false]);
  });

  it("throttles my typing refreshes and sends stop only after a start", async () => {
    const t = setup({ typingRefreshMs: 3_000 });
    const s = await t.welcome(0, 0);
    t.session.typing("start");
    t.session.typing("start");
    await vi.advanceTimersByTimeAsync(3_000);
    t.session.typing("start");
    t.session.typing("stop");
    t.session.typing("stop");
    expect(s.sentOf("typing").map((f) => f.state)).toEqual(["start", "start", "stop"]);
  });

  it("matches info and pong replies to their requests by reqId, in any order", async () => {
    const t = setup();
    const s = await t.welcome(0, 3);
    const info = t.session.messageInfo(2);
    const missing = t.session.messageInfo(3);
    const pong = t.session.ping();
    const [infoReq, missingReq] = s.sentOf("info");
    const [pingReq] = s.sentOf("ping");
    s.push({ type: "pong", reqId: pingReq!.reqId, serverTs: 42 });
    s.push({
      type: "error",
      reqId: missingReq!.reqId,
      code: "not_found",
      message: "no message 3",
      retriable: false,
    });
    s.push({
      type: "info_result",
      reqId: infoReq!.reqId,
      seq: 2,
      members: [{ userId: "bob", deliveredUpTo: 2, readUpTo: 1, delivered: true, read: false }],
    });
    await expect(pong).resolves.toMatchObject({ serverTs: 42 });
    await expect(info).resolves.toMatchObject({
      seq: 2,
      members: [{ userId: "bob", delivered: true }],
    });
    await expect(missing).rejects.toMatchObject({ code: "not_found" });
  });

  it("fails requests when the connection drops or is not open", async () => {
    const t = setup();
    await expect(t.session.ping()).rejects.toMatchObject({ code: "unavailable" });
    const s = await t.welcome(0, 0);
    const pong = t.session.ping();
    s.serverClose(1006);
    await expect(pong).rejects.toMatchObject({ code: "unavailable" });
  });
});

describe("ConversationSession: store", () => {
  it("shares one in-memory offline queue per client by default", async () => {
    const store = new MemoryOfflineQueueStore();
    await store.put(CONVERSATION, {
      clientMsgId: "left-over",
      content: { kind: "text", text: "from before" },
      createdAt: 1,
    });
    const t = setup({ store });
    const s = await t.welcome(0, 0);
    expect(s.sentOf("send").map((f) => f.clientMsgId)).toEqual(["left-over"]);
  });
});
