// Correlates request frames with their replies by reqId: `info` → `info_result`, `ping` → `pong`,
// and any of them → an `error` frame carrying the same reqId. Requests die with their connection.
import { ChatError, type RequestId } from "@edge-chat/protocol";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ChatError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingRequests {
  readonly #pending = new Map<RequestId, Pending>();
  readonly #timeoutMs: number;

  constructor(timeoutMs = 15_000) {
    this.#timeoutMs = timeoutMs;
  }

  /** Registers `reqId`; the promise settles with its reply, its error, a timeout or a disconnect. */
  wait<T>(reqId: RequestId): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.reject(reqId, new ChatError("unavailable", "no reply from the server in time")),
        this.#timeoutMs,
      );
      this.#pending.set(reqId, { resolve: resolve as (value: unknown) => void, reject, timer });
    });
  }

  has(reqId: RequestId | undefined): boolean {
    return reqId !== undefined && this.#pending.has(reqId);
  }

  /** Settles `reqId` with its reply; false when nobody waits for it (a stray or late reply). */
  resolve(reqId: RequestId | undefined, value: unknown): boolean {
    const pending = reqId === undefined ? undefined : this.#pending.get(reqId);
    if (!pending || reqId === undefined) return false;
    this.#pending.delete(reqId);
    clearTimeout(pending.timer);
    pending.resolve(value);
    return true;
  }

  reject(reqId: RequestId | undefined, error: ChatError): boolean {
    const pending = reqId === undefined ? undefined : this.#pending.get(reqId);
    if (!pending || reqId === undefined) return false;
    this.#pending.delete(reqId);
    clearTimeout(pending.timer);
    pending.reject(error);
    return true;
  }

  rejectAll(error: ChatError): void {
    for (const reqId of [...this.#pending.keys()]) this.reject(reqId, error);
  }
}
