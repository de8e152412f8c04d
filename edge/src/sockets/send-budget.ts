// Bounds what one socket whose client stopped reading can make the edge hold. workerd's server-side
// WebSocket neither throws nor blocks in send(): each frame a non-reading client cannot take is
// queued in the runtime's memory and `bufferedAmount` grows without limit (probed: 26 MB queued
// for one socket after 400 sends of 64 KiB, none refused). So each write first reads
// `bufferedAmount` (a field read, O(1)); a write that would take the socket past its budget is not
// made, and the socket is cut with `slow_consumer` (an error frame, then close 4408). Nothing the
// edge drops this way is lost: messages live in the ConversationDO's window and in Cassandra, acks
// are recovered by the SDK resending the same client message id (idempotent), statuses and typing
// are re-derived. The client reconnects and the normal gapless sync from its last seq catches it up.
// A runtime without `bufferedAmount` (the workerd that the vitest pool bundles, 1.20261102, lacks
// it; wrangler's 1.20261117 and the types have it) gives no bound: writes go on as before.
import {
  ChatError,
  closeCodeOf,
  encodeFrame,
  type ServerFrame,
  toErrorBody,
} from "@edge-chat/protocol";

/**
 * Most bytes the edge keeps queued for one socket: about 3,000 chat frames, or 16 full-size ones
 * (LIMITS.maxFrameBytes), so a live client on a slow link is not cut by one burst, while 1,000
 * stalled sockets cost at most ~1 GiB rather than everything they are sent.
 */
export const SEND_BUDGET_BYTES = 1024 * 1024;

/** What this module needs of a socket (the platform's WebSocket has it; tests pass a fake). */
export interface BudgetedSocket {
  readonly readyState: number;
  /** Bytes queued and not yet written to the network; absent on runtimes that lack it. */
  readonly bufferedAmount: number | undefined;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

const OPEN = 1;

export type SendOutcome = "sent" | "not_open" | "cut";

/**
 * Writes `text` unless the socket is not open (dropped: its close handler cleans up) or the write
 * would pass `budget` (the socket is cut instead). `text.length` counts UTF-16 units, not bytes:
 * close enough for a bound, and it costs nothing.
 */
export function sendWithinBudget(
  ws: BudgetedSocket,
  text: string,
  budget = SEND_BUDGET_BYTES,
): SendOutcome {
  if (ws.readyState !== OPEN) return "not_open";
  const queued: number | undefined = ws.bufferedAmount;
  // A frame onto an empty queue always goes (a full sync page may alone pass the budget): the bound
  // is the budget plus one frame.
  if (queued !== undefined && queued > 0 && queued + text.length > budget) {
    cut(ws);
    return "cut";
  }
  ws.send(text);
  return "sent";
}

const REASON = "send buffer full: reconnect and sync from the last seq";

function cut(ws: BudgetedSocket): void {
  const error = new ChatError("slow_consumer", REASON);
  // The error frame is small and goes behind what is queued: a client that resumes reading learns
  // why before the close; the close code alone says the same to one that does not.
  const frame: ServerFrame = { type: "error", ...toErrorBody(error) };
  ws.send(encodeFrame(frame));
  ws.close(closeCodeOf(error.code), "slow_consumer");
}
