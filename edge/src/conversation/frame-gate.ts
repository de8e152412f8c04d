// The global per-user rate limit on conversation sockets: each inbound frame that writes (send,
// edit, delete, react) takes one unit from the same per-user limiter as the user's HTTP calls
// (Redis in production through @upstash/ratelimit, whose in-memory cache refuses a caller already
// blocked without a round trip; the in-isolate window under `npm start`). A refused frame is
// answered with a `rate_limited` error frame carrying retryAfterMs and is not handled, so nothing is
// stored. One limiter call per write frame, before the frame is handled: the broadcast path never
// sees the limiter.
//
// The limiter is asynchronous, and a Durable Object takes new events while it awaits a network
// call, so a socket's frames would overtake one another. The gate keeps each socket's frames in
// arrival order: a frame that arrives while an earlier one of the same socket waits queues behind
// it; a frame with nothing ahead that need not be limited (ping, typing, receipts, sync) runs at
// once, without a promise.
import { ChatError, type ClientFrame } from "@edge-chat/protocol";
import type { GlobalLimiter } from "../ratelimit/ports.ts";
import { sendError } from "./sockets.ts";

const WRITES: ReadonlySet<ClientFrame["type"]> = new Set(["send", "edit", "delete", "react"]);

/** Whether a frame counts against the user's global limit. */
export const isLimitedFrame = (frame: ClientFrame): boolean => WRITES.has(frame.type);

export class FrameGate {
  private readonly limiter: () => GlobalLimiter;
  private readonly now: () => number;
  /** Per socket, the end of its queue of frames still waiting (absent when none waits). */
  private readonly tails = new Map<WebSocket, Promise<void>>();

  /** `limiter` is read per frame, so the limiter can be swapped (tests narrow the limit). */
  constructor(limiter: () => GlobalLimiter, now: () => number) {
    this.limiter = limiter;
    this.now = now;
  }

  /**
   * Runs `handle` for `frame` of `ws`, in the socket's arrival order, once `userId`'s limiter has
   * let a write frame through; a refused frame gets its error frame instead.
   */
  admit(
    ws: WebSocket,
    userId: string,
    frame: ClientFrame,
    handle: () => void,
  ): Promise<void> | undefined {
    const limited = isLimitedFrame(frame);
    const tail = this.tails.get(ws);
    if (!limited && !tail) {
      handle();
      return undefined;
    }
    const run = async () => {
      if (limited) {
        const result = await this.limiter().limit(userId, this.now());
        if (!result.success) {
          const refusal = new ChatError("rate_limited", "too many messages", {
            retryAfterMs: Math.max(1, result.retryAfterMs),
          });
          sendError(ws, refusal, "reqId" in frame ? frame.reqId : undefined);
          return;
        }
      }
      handle();
    };
    const next: Promise<void> = (tail ?? Promise.resolve())
      .then(run)
      .catch((error) => console.error("frame gate", error))
      .finally(() => {
        if (this.tails.get(ws) === next) this.tails.delete(ws);
      });
    this.tails.set(ws, next);
    return next;
  }

  /** A closed socket's queue is forgotten (its remaining frames still run and find it closed). */
  forget(ws: WebSocket): void {
    this.tails.delete(ws);
  }
}
