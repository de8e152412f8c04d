// The conversation list as the inbox session keeps it in memory: one row per conversation, most
// recent activity first, with unread counts. Pure: it only applies what the inbox socket says (the
// InboxDO is the authority on every row; its frames arrive in order on one socket).
import { type ConversationId, compareRecency, type InboxEntry } from "@edge-chat/protocol";

/**
 * Most recent activity first, the same order on every device and as the server lists it (the
 * protocol's compareRecency; kept under this name, which the SDK exports).
 */
export const byRecency: (a: InboxEntry, b: InboxEntry) => number = compareRecency;

export class ConversationList {
  readonly #rows = new Map<ConversationId, InboxEntry>();
  /** The sorted rows, rebuilt lazily after a change. */
  #sorted: InboxEntry[] | undefined = [];

  /** The whole list, as a welcome or GET /v1/conversations gives it. */
  replace(entries: readonly InboxEntry[]): void {
    this.#rows.clear();
    for (const entry of entries) this.#rows.set(entry.conversationId, entry);
    this.#sorted = undefined;
  }

  /** One row is new or changed (a message, a read watermark, a join). */
  upsert(entry: InboxEntry): void {
    this.#rows.set(entry.conversationId, entry);
    this.#sorted = undefined;
  }

  /** The row is gone (left or removed); false when there was none. */
  remove(conversationId: ConversationId): boolean {
    const removed = this.#rows.delete(conversationId);
    if (removed) this.#sorted = undefined;
    return removed;
  }

  get(conversationId: ConversationId): InboxEntry | undefined {
    return this.#rows.get(conversationId);
  }

  /** The rows, most recent first (a copy: the caller may keep it). */
  entries(): InboxEntry[] {
    this.#sorted ??= [...this.#rows.values()].sort(byRecency);
    return [...this.#sorted];
  }

  /** Unread messages over all conversations (for a badge on the app icon). */
  get unreadTotal(): number {
    let total = 0;
    for (const entry of this.#rows.values()) total += entry.unread;
    return total;
  }
}
