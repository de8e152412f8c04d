// Typing indicators. Remote: a typist is shown until they stop, send a message, or go quiet for
// longer than a refresh interval (their stop frame may never come if their connection dies). Local:
// the app calls typing("start") on every keystroke; the SDK sends at most one start per refresh.
import type { UserId } from "@edge-chat/protocol";

/** How often a typing client refreshes its "start" while the user keeps typing. */
export const TYPING_REFRESH_MS = 3_000;
/** How long a remote typist stays shown without a refresh. */
export const TYPING_EXPIRY_MS = 6_000;

export interface TypingChange {
  userId: UserId;
  typing: boolean;
  /** Everyone shown as typing after this change. */
  typists: UserId[];
}

/** Tracks who is typing, expiring them with timers; reports each change through `onChange`. */
export class RemoteTypists {
  readonly #timers = new Map<UserId, ReturnType<typeof setTimeout>>();
  readonly #onChange: (change: TypingChange) => void;
  readonly #expiryMs: number;

  constructor(onChange: (change: TypingChange) => void, expiryMs = TYPING_EXPIRY_MS) {
    this.#onChange = onChange;
    this.#expiryMs = expiryMs;
  }

  get typists(): UserId[] {
    return [...this.#timers.keys()];
  }

  started(userId: UserId): void {
    const wasTyping = this.#timers.has(userId);
    clearTimeout(this.#timers.get(userId));
    this.#timers.set(
      userId,
      setTimeout(() => this.stopped(userId), this.#expiryMs),
    );
    if (!wasTyping) this.#onChange({ userId, typing: true, typists: this.typists });
  }

  stopped(userId: UserId): void {
    if (!this.#timers.has(userId)) return;
    clearTimeout(this.#timers.get(userId));
    this.#timers.delete(userId);
    this.#onChange({ userId, typing: false, typists: this.typists });
  }

  /** Everyone stops (the connection dropped: no stop frames can arrive any more). */
  clear(): void {
    for (const userId of this.typists) this.stopped(userId);
  }
}

/** Decides which local typing calls become frames: starts throttled to one per refresh. */
export class LocalTyping {
  #lastStartAt: number | undefined;
  readonly #refreshMs: number;

  constructor(refreshMs = TYPING_REFRESH_MS) {
    this.#refreshMs = refreshMs;
  }

  /** Whether this call should be sent. */
  shouldSend(state: "start" | "stop", now: number): boolean {
    if (state === "stop") {
      const wasTyping = this.#lastStartAt !== undefined;
      this.#lastStartAt = undefined;
      return wasTyping;
    }
    if (this.#lastStartAt !== undefined && now - this.#lastStartAt < this.#refreshMs) return false;
    this.#lastStartAt = now;
    return true;
  }

  /** Forget what was sent (a new connection knows nothing of it). */
  reset(): void {
    this.#lastStartAt = undefined;
  }
}
