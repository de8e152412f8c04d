// The hibernatable sockets of one conversation: per-socket state in attachments (so it survives
// hibernation) and fan-out helpers. Sockets are tagged with their user id.
import {
  ChatError,
  encodeFrame,
  type ServerFrame,
  toErrorBody,
  type RequestId,
  type UserId,
} from "@edge-chat/protocol";
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
  try {
    ws.send(encodeFrame(frame));
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
  constructor(ctx: DurableObjectState) {
    this.ctx = ctx;
  }

  all(): { ws: WebSocket; state: SocketState }[] {
    const result: { ws: WebSocket; state: SocketState }[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const state = stateOf(ws);
      if (state) result.push({ ws, state });
    }
    return result;
  }

  ofUser(userId: UserId): WebSocket[] {
    return this.ctx.getWebSockets(userId);
  }

  /** A live `message` frame to every caught-up socket, the sender's own included. */
  broadcastLive(frame: ServerFrame): void {
    for (const { ws, state } of this.all()) if (state.live) sendFrame(ws, frame);
  }

  /** A frame to every socket of users other than `userId` (typing). */
  toOthers(userId: UserId, frame: ServerFrame): void {
    for (const { ws, state } of this.all()) if (state.userId !== userId) sendFrame(ws, frame);
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
