// What a WebSocket close means for the session. The server closes with 4000 + the HTTP status of a
// protocol error code (4401, 4404, …); anything else (1000, 1001, 1006, 1011) is a transport event.
import { ChatError, ERROR_CODES, type ErrorCode } from "@edge-chat/protocol";

export type CloseDecision =
  /** Reconnect with backoff (a fresh ticket every time, so 4401 gets new credentials). */
  | { action: "reconnect"; error: ChatError | undefined }
  /** Give up: retrying cannot help (not a member, unsupported version, forbidden, bad request). */
  | { action: "stop"; error: ChatError };

/** The protocol error code a close code stands for, if it is one of ours. */
export function errorCodeOfClose(closeCode: number): ErrorCode | undefined {
  if (closeCode < 4000 || closeCode > 4999) return undefined;
  const status = closeCode - 4000;
  return (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c].status === status);
}

export function decideOnClose(closeCode: number, reason: string): CloseDecision {
  const code = errorCodeOfClose(closeCode);
  if (code === undefined) return { action: "reconnect", error: undefined };
  const error = new ChatError(code, reason || `closed with ${closeCode}`);
  // An expired or used ticket is fixed by asking for a new one, which every reconnect does.
  if (code === "unauthenticated" || error.retriable) return { action: "reconnect", error };
  return { action: "stop", error };
}
