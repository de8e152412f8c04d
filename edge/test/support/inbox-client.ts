// Inbox-side test helpers through the real Worker (SELF): the conversation list, and an inbox
// WebSocket that records every frame (decoded with the protocol's InboxServerFrame) and lets a test
// wait for a condition.
import {
  type InboxEntry,
  InboxServerFrame,
  type InboxServerFrameOf,
  parseJson,
  parseWith,
} from "@edge-chat/protocol";
import { SELF } from "cloudflare:test";
import { api, eventually, tokenFor } from "./client.ts";

export async function inboxOf(userId: string): Promise<InboxEntry[]> {
  const res = await api(userId, "GET", "/v1/conversations");
  if (res.status !== 200) throw new Error(`list: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversations;
}

/** Waits until the user's list satisfies `check` (updates reach the InboxDO from the alarm). */
export async function listUntil(
  userId: string,
  check: (list: InboxEntry[]) => boolean,
  what: string,
): Promise<InboxEntry[]> {
  let list: InboxEntry[] = [];
  await eventually(
    async () => {
      list = await inboxOf(userId);
      return check(list);
    },
    `${userId}'s list: ${what}`,
    60_000,
  );
  return list;
}

export const rowOf = (list: InboxEntry[], id: string) => list.find((e) => e.conversationId === id);

export class InboxSocket {
  readonly frames: InboxServerFrame[] = [];
  readonly invalid: string[] = [];
  closed: { code: number } | null = null;
  private waiters: (() => void)[] = [];
  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (event) => {
      try {
        this.frames.push(parseWith(InboxServerFrame, parseJson(event.data as string)));
      } catch {
        this.invalid.push(String(event.data));
      }
      this.wake();
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code };
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  of<T extends InboxServerFrame["type"]>(type: T): InboxServerFrameOf<T>[] {
    return this.frames.filter((f): f is InboxServerFrameOf<T> => f.type === type);
  }

  async next<T extends InboxServerFrame["type"]>(
    type: T,
    match: (f: InboxServerFrameOf<T>) => boolean = () => true,
  ): Promise<InboxServerFrameOf<T>> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = this.of(type).find(match);
      if (found) return found;
      if (this.closed)
        throw new Error(`inbox socket closed (${this.closed.code}) waiting for ${type}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${type}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async untilClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

export async function connectInbox(
  userId: string | null,
  options: { ticket?: string; waitWelcome?: boolean; v?: number } = {},
): Promise<InboxSocket> {
  const params = new URLSearchParams({ v: String(options.v ?? 1) });
  if (options.ticket) params.set("ticket", options.ticket);
  const headers: Record<string, string> = { Upgrade: "websocket" };
  if (userId) headers.authorization = `Bearer ${await tokenFor(userId)}`;
  const res = await SELF.fetch(`https://edge.test/v1/inbox/ws?${params}`, { headers });
  if (!res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  res.webSocket.accept();
  const socket = new InboxSocket(res.webSocket);
  if (options.waitWelcome !== false) await socket.next("inbox_welcome");
  return socket;
}
