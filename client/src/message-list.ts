// What a device shows of a conversation: messages in seq order with every change folded in (edits,
// deletes, reactions, quotes of deleted messages) and the ones I deleted for myself left out. Feed
// it every `message` the session emits and every `hidden` list; it uses the protocol's one fold
// rule, so it ends in the same state as history, however the messages arrived (live, replay, gap).
import { foldChange, isChange, type Message, type Seq } from "@edge-chat/protocol";

export class MessageList {
  readonly #bySeq = new Map<Seq, Message>();
  readonly #hidden = new Set<Seq>();

  /**
   * Adds a message or folds a change; returns the messages whose shown state changed (the new one,
   * or the change's target and, for a delete, the replies quoting it).
   */
  apply(message: Message): Message[] {
    if (!isChange(message)) {
      if (this.#bySeq.has(message.seq)) return [];
      this.#bySeq.set(message.seq, message);
      return [message];
    }
    const touched: Message[] = [];
    const seqs =
      message.content.kind === "delete"
        ? [message.content.targetSeq, ...message.content.scrub]
        : [message.content.targetSeq];
    for (const seq of seqs) {
      const row = this.#bySeq.get(seq);
      if (!row) continue;
      const next = foldChange(row, message);
      if (next !== row) {
        this.#bySeq.set(seq, next);
        touched.push(next);
      }
    }
    return touched;
  }

  /** Messages I deleted for myself (from the session's `hidden` event). */
  hide(seqs: Seq[]): void {
    for (const seq of seqs) this.#hidden.add(seq);
  }

  get(seq: Seq): Message | undefined {
    return this.#hidden.has(seq) ? undefined : this.#bySeq.get(seq);
  }

  /** What to show, in order. */
  messages(): Message[] {
    return [...this.#bySeq.values()]
      .filter((m) => !this.#hidden.has(m.seq))
      .sort((a, b) => a.seq - b.seq);
  }
}
