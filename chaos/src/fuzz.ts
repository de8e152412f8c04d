// `npm run chaos -- fuzz`: generated WebSocket frames and HTTP bodies (fast-check) at a running
// edge. Every answer must be a valid server frame or a typed error body (a known code, the status
// that code maps to, no stack trace, no library error code), never a 500; the socket keeps
// answering pings; and a bystander conversation keeps working throughout. Bounded in count.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatClient, fetchDevToken } from "@edge-chat/client";
import { type ServiceKeys, serviceKeys, startEdge, UNLIMITED_RATES, until } from "@edge-chat/e2e";
import { ERROR_CODES, ErrorResponse, PROTOCOL_VERSION, ServerFrame } from "@edge-chat/protocol";
import fc from "fast-check";

export interface FuzzOptions {
  frames: number;
  requests: number;
  seed: number;
}

export interface FuzzResult {
  scenario: "fuzz";
  frames: number;
  requests: number;
  typed_errors: number;
  accepted: number;
  /** Answers that were neither a valid frame/body nor a typed error: must be 0. */
  untyped: number;
  closes: number;
  bystander_ok: boolean;
  seed: number;
  examples: string[];
}

const LEAK = /ERR_[A-Z_]{4,}|JOSE|ZodError|\bat \S+ \(|node_modules|TypeError|SyntaxError/;

/** Frames: valid ones, near misses (a valid shape with one field replaced) and plain garbage. */
export const frames = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .record({
        type: fc.constantFrom(
          "send",
          "delivered",
          "read",
          "typing",
          "sync",
          "info",
          "ping",
          "nope",
        ),
        reqId: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(undefined)),
        clientMsgId: fc.oneof(fc.string({ maxLength: 80 }), fc.constant(undefined)),
        content: fc.oneof(
          fc.record({ kind: fc.constantFrom("text", "image", "system", "x"), text: fc.string() }),
          fc.jsonValue(),
        ),
        upToSeq: fc.oneof(fc.integer(), fc.double(), fc.string()),
        afterSeq: fc.oneof(fc.integer(), fc.string()),
        limit: fc.oneof(fc.integer(), fc.constant(1e9)),
        seq: fc.oneof(fc.integer(), fc.string()),
        state: fc.constantFrom("start", "stop", "maybe"),
      })
      .map((f) => JSON.stringify(f)),
  },
  { weight: 20, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 20, arbitrary: fc.string({ maxLength: 200 }) },
  // Over the frame limit: about one frame in 60 (they are big).
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(70_000), `"${"é".repeat(40_000)}"`) },
);

const bodies = fc.oneof(
  fc
    .record({
      clientMsgId: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()),
      content: fc.oneof(
        fc.record({ kind: fc.constant("text"), text: fc.string() }),
        fc.jsonValue(),
      ),
    })
    .map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
);

const queries = fc
  .record({
    limit: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant("1e99")),
    before: fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
    after: fc.oneof(fc.integer(), fc.constant(undefined)),
  })
  .map((q) =>
    new URLSearchParams(
      Object.entries(q).flatMap(([k, v]): [string, string][] =>
        v === undefined ? [] : [[k, String(v)]],
      ),
    ).toString(),
  );

export async function runFuzz(options: FuzzOptions, log: (m: string) => void): Promise<FuzzResult> {
  const keys: ServiceKeys = serviceKeys();
  // No region: the fuzz is about the edge's own handling; its region outboxes just accumulate. Its
  // own storage directory: two workerd processes on wrangler's default one lock each other's SQLite
  // (SQLITE_BUSY, answered as 500 internal), which a parallel run once showed.
  const persistTo = mkdtempSync(join(tmpdir(), "edge-chat-fuzz-"));
  const edge = await startEdge({
    regions: [],
    signingKey: keys.signingKey,
    vars: UNLIMITED_RATES,
    persistTo,
  });
  const result: FuzzResult = {
    scenario: "fuzz",
    frames: 0,
    requests: 0,
    typed_errors: 0,
    accepted: 0,
    untyped: 0,
    closes: 0,
    bystander_ok: false,
    seed: options.seed,
    examples: [],
  };
  const bad = (what: string) => {
    result.untyped++;
    if (result.examples.length < 5) result.examples.push(what.slice(0, 300));
  };
  try {
    const user = async (name: string) => {
      const userId = `${name}-${Date.now().toString(36)}`;
      const token = await fetchDevToken(edge.baseUrl, userId);
      return {
        userId,
        token,
        client: new ChatClient({ baseUrl: edge.baseUrl, getToken: async () => token }),
      };
    };
    const [a, b, c, d] = await Promise.all(["fa", "fb", "by1", "by2"].map(user));
    const { conversationId } = await a!.client.createDirect(b!.userId);
    const bystander = await c!.client.createDirect(d!.userId);
    const bystanderSession = c!.client.open(bystander.conversationId, { heartbeatMs: 0 });
    await until(() => bystanderSession.state === "open", "the bystander's session");
    await bystanderSession.sendText("before the fuzz");

    // ── WebSocket frames, in rounds: a burst, then a ping that must be answered ──
    let ws: WebSocket | null = null;
    // The round's own pong (generated frames include pings too): everything before it is answered.
    let lastRound = "";
    const connect = async () => {
      const { ticket } = await a!.client.ticket(conversationId);
      const url = new URL(
        `${edge.baseUrl}/v1/conversations/${encodeURIComponent(conversationId)}/ws`,
      );
      url.protocol = "ws:";
      url.search = new URLSearchParams({
        ticket,
        v: String(PROTOCOL_VERSION),
        since: "0",
      }).toString();
      const socket = new WebSocket(url);
      socket.addEventListener("message", (event) => {
        const parsed = ServerFrame.safeParse(JSON.parse(String(event.data)));
        if (!parsed.success) return bad(`frame: ${String(event.data)}`);
        const frame = parsed.data;
        if (frame.type === "pong" && frame.reqId?.startsWith("fuzz-round-"))
          lastRound = frame.reqId;
        if (frame.type === "error") {
          result.typed_errors++;
          if (!(frame.code in ERROR_CODES) || LEAK.test(frame.message))
            bad(`error frame: ${JSON.stringify(frame)}`);
        } else if (frame.type === "ack") result.accepted++;
      });
      socket.addEventListener("close", (event) => {
        result.closes++;
        // A close must be a transport close or 4000 + a protocol error's status.
        if (event.code >= 4000 && event.code < 5000) {
          const status = event.code - 4000;
          if (!Object.values(ERROR_CODES).some((c) => c.status === status))
            bad(`close ${event.code}`);
        }
        ws = null;
      });
      await until(() => socket.readyState === WebSocket.OPEN, "the fuzz socket", { everyMs: 20 });
      ws = socket;
    };
    const ROUND = 500;
    for (let i = 0; i < options.frames; i += ROUND) {
      if (!ws) await connect();
      // Generated a round at a time (seeded per round): the whole set would not fit in memory.
      const round = fc.sample(frames, {
        numRuns: Math.min(ROUND, options.frames - i),
        seed: options.seed + i,
      });
      for (const frame of round) {
        if (ws === null) break;
        (ws as WebSocket).send(frame);
        result.frames++;
      }
      if (!ws) continue;
      const marker = `fuzz-round-${i}`;
      (ws as WebSocket).send(JSON.stringify({ type: "ping", reqId: marker }));
      await until(() => lastRound === marker || ws === null, "a pong after a burst", {
        everyMs: 10,
        timeoutMs: 60_000,
      });
      if ((i / ROUND) % 20 === 19) log(`fuzz: ${result.frames} frames`);
    }
    (ws as WebSocket | null)?.close();

    // ── HTTP bodies and queries ──
    const posts = fc.sample(bodies, {
      numRuns: Math.ceil(options.requests / 2),
      seed: options.seed + 1,
    });
    const gets = fc.sample(queries, {
      numRuns: Math.floor(options.requests / 2),
      seed: options.seed + 2,
    });
    const check = async (response: Response) => {
      result.requests++;
      const text = await response.text();
      if (response.ok) return void result.accepted++;
      let parsed: ReturnType<typeof ErrorResponse.safeParse>;
      try {
        parsed = ErrorResponse.safeParse(JSON.parse(text));
      } catch {
        return bad(`${response.status} not JSON: ${text}`);
      }
      if (!parsed.success) return bad(`${response.status}: ${text}`);
      const { code, message } = parsed.data.error;
      if (
        code === "internal" ||
        ERROR_CODES[code].status !== response.status ||
        LEAK.test(message)
      ) {
        return bad(`${response.status}: ${text}`);
      }
      result.typed_errors++;
    };
    const url = `${edge.baseUrl}/v1/conversations/${encodeURIComponent(conversationId)}/messages`;
    const auth = { authorization: `Bearer ${a!.token}` };
    const CONCURRENCY = 8;
    const pool = async <T>(items: T[], run: (item: T) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < items.length) await run(items[next++]!);
        }),
      );
    };
    await pool(posts, async (body) =>
      check(
        await fetch(url, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body,
        }),
      ),
    );
    await pool(gets, async (query) => check(await fetch(`${url}?${query}`, { headers: auth })));
    log(`fuzz: ${result.requests} HTTP requests`);

    // The bystander was never disturbed.
    const ack = await bystanderSession.sendText("after the fuzz");
    result.bystander_ok = ack.seq === 2 && bystanderSession.state === "open";
    bystanderSession.close();
  } finally {
    await edge.dispose();
    rmSync(persistTo, { recursive: true, force: true });
  }
  return result;
}
