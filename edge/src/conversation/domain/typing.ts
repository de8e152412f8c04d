// Typing indicators: never stored, they expire a few seconds after the last refresh. The expiry
// lives beside each socket (its attachment) so that it survives hibernation.
import type { UserId } from "@edge-chat/protocol";

export interface TypingEntry {
  userId: UserId;
  /** When this device's "typing" lapses; undefined when it is not typing. */
  typingUntil: number | undefined;
}

/** Users whose every typing device has lapsed by `now` (a user typing on another device is not). */
export function expiredTypists(entries: TypingEntry[], now: number): UserId[] {
  const expired = new Set<UserId>();
  const active = new Set<UserId>();
  for (const e of entries) {
    if (e.typingUntil === undefined) continue;
    if (e.typingUntil <= now) expired.add(e.userId);
    else active.add(e.userId);
  }
  return [...expired].filter((u) => !active.has(u));
}

/** The earliest pending expiry, for the alarm. */
export function nextTypingExpiry(entries: TypingEntry[]): number | undefined {
  let next: number | undefined;
  for (const e of entries) {
    if (e.typingUntil !== undefined && (next === undefined || e.typingUntil < next)) {
      next = e.typingUntil;
    }
  }
  return next;
}
