// Waiting out refused sends: a send the server refused with a retriable error (rate_limited,
// unavailable) is resent after the server's hint or the protocol's backoff, whichever is longer,
// with the attempt count kept per message so repeated refusals back off further.
import { backoffDelay, type ChatError, type ClientMsgId } from "@edge-chat/protocol";

export class SendRetries {
  readonly #timers = new Map<ClientMsgId, ReturnType<typeof setTimeout>>();
  readonly #attempts = new Map<ClientMsgId, number>();
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Whether the message waits for its retry timer (so nothing else should resend it). */
  waiting(clientMsgId: ClientMsgId): boolean {
    return this.#timers.has(clientMsgId);
  }

  /** Runs `resend` once the wait is over; returns the wait in milliseconds. */
  schedule(clientMsgId: ClientMsgId, error: ChatError, resend: () => void): number {
    const attempt = this.#attempts.get(clientMsgId) ?? 0;
    this.#attempts.set(clientMsgId, attempt + 1);
    const delay = Math.max(error.retryAfterMs ?? 0, backoffDelay(attempt, undefined, this.#random));
    clearTimeout(this.#timers.get(clientMsgId));
    this.#timers.set(
      clientMsgId,
      setTimeout(() => {
        this.#timers.delete(clientMsgId);
        resend();
      }, delay),
    );
    return delay;
  }

  /** The message was acked or failed for good: forget it. */
  settled(clientMsgId: ClientMsgId): void {
    clearTimeout(this.#timers.get(clientMsgId));
    this.#timers.delete(clientMsgId);
    this.#attempts.delete(clientMsgId);
  }

  /** The connection is gone: the next welcome resends everything, so pending waits end here. */
  cancelWaits(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
