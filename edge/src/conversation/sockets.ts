// The hibernatable sockets of one conversation: per-socket state in attachments (so it survives
// hibernation) and fan-out helpers. Sockets are tagged with their user id. The state is also kept
// in memory (a Map rebuilt from the attachments once after a wake-up), so a broadcast reads no
// attachment, and a frame is serialized once per broadcast, not once per socket.
import {
  ChatError,
  encodeFrame,
  type ServerFrame,
  toErrorBody,
  type RequestId,
  type UserId,
} from "@edge-chat/protocol";
import { sendWithinBudget } from "../sockets/send-budget.ts";
import type { Bucket } from "./domain/token-bucket.ts";
import type { StatusChange } from "./domain/receipts.ts";

export interface SocketState {
  userId: UserId;
  /** Negotiated protocol version. */
  v: number;
  /** True once the socket is caught up: from then on it gets live `message` frames. */
  live: boolean;
  /** This connection's send bucket. */
  bucket: Bucket | undefined;
  /** When this device's typing indicator lapses; undefined when not typing. */
  typingUntil: number | undefined;
}

export function stateOf(ws: WebSocket): SocketState | null {
  return (ws.deserializeAttachment() as SocketState | null) ?? null;
}

export function saveState(ws: WebSocket, state: SocketState): void {
  ws.serializeAttachment(state);
}

export function sendFrame(ws: WebSocket, frame: ServerFrame): void {
  sendText(ws, encodeFrame(frame));
}

function sendText(ws: WebSocket, text: string): void {
  try {
    // Bounded: a socket whose client stopped reading is cut rather than queued for without limit.
    sendWithinBudget(ws, text);
  } catch {
    // The socket is closing; its close handler cleans up.
  }
}

export function sendError(ws: WebSocket, error: unknown, reqId?: RequestId): void {
  if (!(error instanceof ChatError)) console.error("frame failed", error);
  const frame: ServerFrame = { type: "error", ...toErrorBody(error) };
  if (reqId !== undefined) frame.reqId = reqId;
  sendFrame(ws, frame);
}

export class Sockets {
  private readonly ctx: DurableObjectState;
  /** Every accepted socket's state; undefined until first needed after a (re)start. */
  private cache: Map<WebSocket, SocketState> | undefined;
  /** The sockets whose device is typing: the alarm's planning reads these, not every socket. */
  private readonly typists = new Set<WebSocket>();
  constructor(ctx: DurableObjectState) {
    this.ctx = ctx;
  }

  private states(): Map<WebSocket, SocketState> {
    if (!this.cache) {
      // After hibernation the object is new but its sockets are not: read each attachment once.
      this.cache = new Map();
      for (const ws of this.ctx.getWebSockets()) {
        const state = stateOf(ws);
        if (state) this.track(ws, state);
      }
    }
    return this.cache;
  }

  private track(ws: WebSocket, state: SocketState): void {
    this.cache?.set(ws, state);
    if (state.typingUntil !== undefined) this.typists.add(ws);
    else this.typists.delete(ws);
  }

  /** A socket was accepted (its attachment is already saved). */
  added(ws: WebSocket, state: SocketState): void {
    this.states();
    this.track(ws, state);
  }

  /** A socket closed: it gets nothing more. */
  removed(ws: WebSocket): void {
    this.cache?.delete(ws);
    this.typists.delete(ws);
  }

  /** The socket's state from memory (the attachment only on a miss). */
  state(ws: WebSocket): SocketState | null {
    const states = this.states();
    let state = states.get(ws);
    if (!state) {
      state = stateOf(ws) ?? undefined;
      if (state) this.track(ws, state);
    }
    return state ?? null;
  }

  /** Persists a changed state (attachment) and keeps memory in step. */
  save(ws: WebSocket, state: SocketState): void {
    saveState(ws, state);
    this.states();
    this.track(ws, state);
  }

  /** The sockets of typing devices (O(typists), not O(sockets): the alarm plans from these). */
  typing(): { ws: WebSocket; state: SocketState }[] {
    this.states();
    const result: { ws: WebSocket; state: SocketState }[] = [];
    for (const ws of this.typists) {
      const state = this.cache?.get(ws);
      if (state) result.push({ ws, state });
    }
    return result;
  }

  all(): { ws: WebSocket; state: SocketState }[] {
    const result: { ws: WebSocket; state: SocketState }[] = [];
    for (const [ws, state] of this.states()) result.push({ ws, state });
    return result;
  }

  /** Users with a caught-up socket (for the inbox notifier). */
  liveUsers(): Set<UserId> {
    const users = new Set<UserId>();
    for (const state of this.states().values()) if (state.live) users.add(state.userId);
    return users;
  }

  ofUser(userId: UserId): WebSocket[] {
    return this.ctx.getWebSockets(userId);
  }

  /**
   * A live `message` frame to every caught-up socket, the sender's own included: serialized once
   * (or given as text), one write per socket.
   */
  broadcastLive(frame: ServerFrame | string): void {
    const text = typeof frame === "string" ? frame : encodeFrame(frame);
    for (const [ws, state] of this.states()) if (state.live) sendText(ws, text);
  }

  /** To every caught-up socket, the texts its protocol version calls for (built once per version). */
  broadcastLiveTexts(textsFor: (v: number) => readonly string[]): void {
    const byVersion = new Map<number, readonly string[]>();
    for (const [ws, state] of this.states()) {
      if (!state.live) continue;
      let texts = byVersion.get(state.v);
      if (!texts) {
        texts = textsFor(state.v);
        byVersion.set(state.v, texts);
      }
      for (const text of texts) sendText(ws, text);
    }
  }

  /** A frame to every socket of users other than `userId` (typing). */
  toOthers(userId: UserId, frame: ServerFrame): void {
    const text = encodeFrame(frame);
    for (const [ws, state] of this.states()) if (state.userId !== userId) sendText(ws, text);
  }

  statuses(changes: StatusChange[]): void {
    for (const change of changes) {
      for (const ws of this.ofUser(change.userId)) {
        sendFrame(ws, { type: "status", status: change.status, upToSeq: change.upToSeq });
      }
    }
  }

  /** Closes every socket of a user (removed from the group). */
  closeUser(userId: UserId, code: number, reason: string): void {
    for (const ws of this.ofUser(userId)) {
      try {
        ws.close(code, reason);
      } catch {
        // Already closed.
      }
    }
  }
}
