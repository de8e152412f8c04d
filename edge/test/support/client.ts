// Test clients that go through the real Worker (SELF): dev tokens, JSON calls and WebSockets that
// record every frame and let a test wait for one (no timed assertions, only conditions).
import {
  type ClientFrame,
  type ConversationId,
  decodeServerFrame,
  type ServerFrame,
  type ServerFrameOf,
} from "@edge-chat/protocol";
import { SELF } from "cloudflare:test";

const BASE = "https://edge.test";
const tokens = new Map<string, string>();

export async function tokenFor(userId: string): Promise<string> {
  let token = tokens.get(userId);
  if (!token) {
    const res = await SELF.fetch(`${BASE}/dev/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    if (res.status !== 200) throw new Error(`dev token: ${res.status}`);
    token = ((await res.json()) as { token: string }).token;
    tokens.set(userId, token);
  }
  return token;
}

export async function api(
  userId: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (userId)
    (init.headers as Record<string, string>).authorization = `Bearer ${await tokenFor(userId)}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await SELF.fetch(`${BASE}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

let groupCounter = 0;
/** Creates a group with `admin` as creator; returns its id. */
export async function createGroup(admin: string, members: string[]): Promise<ConversationId> {
  const res = await api(admin, "POST", "/v1/conversations/groups", {
    name: `group ${++groupCounter}`,
    memberIds: members,
  });
  if (res.status !== 201)
    throw new Error(`create group: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversationId;
}

let userCounter = 0;
/** Fresh user ids so that tests never share a conversation or a rate-limit bucket. */
export function users(n: number, prefix = "u"): string[] {
  userCounter++;
  return Array.from({ length: n }, (_, i) => `${prefix}${userCounter}-${i}`);
}

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  readonly invalid: string[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (event) => {
      try {
        this.frames.push(decodeServerFrame(event.data as string));
      } catch {
        // A frame outside the protocol is a server bug: record it so tests can fail on it.
        this.invalid.push(String(event.data));
      }
      this.wake();
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | ArrayBuffer): void {
    this.ws.send(data);
  }

  /** Resolves once `predicate` holds over the frames received so far (generous timeout). */
  async until(
    predicate: (frames: ServerFrame[]) => boolean,
    what = "condition",
    timeoutMs = 90_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.frames)) {
      if (this.closed && !predicate(this.frames)) {
        throw new Error(`socket closed (${this.closed.code}) while waiting for ${what}`);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  of<T extends ServerFrame["type"]>(type: T): ServerFrameOf<T>[] {
    return this.frames.filter((f): f is ServerFrameOf<T> => f.type === type);
  }

  /** Waits for the first frame of `type` matching `match` after index `from`. */
  async next<T extends ServerFrame["type"]>(
    type: T,
    match: (f: ServerFrameOf<T>) => boolean = () => true,
  ): Promise<ServerFrameOf<T>> {
    let found: ServerFrameOf<T> | undefined;
    await this.until(() => {
      found = this.of(type).find(match);
      return found !== undefined;
    }, `a ${type} frame`);
    return found!;
  }

  /** Seqs of live messages, in arrival order. */
  messageSeqs(): number[] {
    return this.of("message").map((f) => f.message.seq);
  }

  /** Seqs this socket has seen by sync batches and live frames, in arrival order. */
  seenSeqs(): number[] {
    const seqs: number[] = [];
    for (const f of this.frames) {
      if (f.type === "sync_batch") seqs.push(...f.messages.map((m) => m.seq));
      if (f.type === "message") seqs.push(f.message.seq);
    }
    return seqs;
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

export async function connect(
  userId: string | null,
  conversationId: ConversationId,
  options: { since?: number; v?: number; ticket?: string; waitWelcome?: boolean } = {},
): Promise<TestSocket> {
  const params = new URLSearchParams();
  params.set("v", String(options.v ?? 1));
  if (options.since !== undefined) params.set("since", String(options.since));
  if (options.ticket) params.set("ticket", options.ticket);
  const headers: Record<string, string> = { Upgrade: "websocket" };
  if (userId) headers.authorization = `Bearer ${await tokenFor(userId)}`;
  const res = await SELF.fetch(
    `${BASE}/v1/conversations/${encodeURIComponent(conversationId)}/ws?${params}`,
    { headers },
  );
  if (!res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  res.webSocket.accept();
  const socket = new TestSocket(res.webSocket);
  if (options.waitWelcome !== false) await socket.next("welcome");
  return socket;
}

/** Resolves when `check` returns true, polling (for state that is not pushed to a socket). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
