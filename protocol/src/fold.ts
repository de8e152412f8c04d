// Folding changes into messages: the one rule every reader applies (the ConversationDO to its
// window, the region's persister to Cassandra, the SDK to what a device shows), so they all reach
// the same state. Pure and idempotent: folding a change twice, or a change older than what the
// message already holds (by the seq it records), changes nothing; a delete is final.
import type { ChangeKind, Quote } from "./changes.ts";
import { CHANGE_KINDS } from "./changes.ts";
import { LIMITS } from "./limits.ts";
import type { Message } from "./message.ts";

export type ChangeMessage = Message & {
  content: Extract<Message["content"], { kind: ChangeKind }>;
};

/** A change to another message (edit, delete, reaction), rather than something to display. */
export function isChange(message: Message): message is ChangeMessage {
  return (CHANGE_KINDS as readonly string[]).includes(message.content.kind);
}

export function isDeleted(message: Message): boolean {
  return message.content.kind === "deleted";
}

/** The start of `text`, cut at a code point boundary. */
function excerpt(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** What a reply to `original` shows of it. */
export function quoteOf(original: Message): Quote {
  const content = original.content;
  const quote: Quote = {
    senderId: original.senderId,
    kind: content.kind,
    deleted: content.kind === "deleted",
  };
  const text =
    content.kind === "text" ? content.text : "caption" in content ? content.caption : undefined;
  if (text) quote.excerpt = excerpt(text, LIMITS.maxQuoteChars);
  return quote;
}

/** The message with nothing left but its place in the order and who deleted it when. */
function tombstone(target: Message, change: Message): Message {
  const dead: Message = {
    conversationId: target.conversationId,
    seq: target.seq,
    messageId: target.messageId,
    clientMsgId: target.clientMsgId,
    senderId: target.senderId,
    content: { kind: "deleted" },
    serverTs: target.serverTs,
    deletedAt: change.serverTs,
    deletedBy: change.senderId,
  };
  if (target.replyToSeq !== undefined) dead.replyToSeq = target.replyToSeq;
  return dead;
}

function foldReaction(
  target: Message,
  change: Message & { content: { kind: "reaction" } },
): Message {
  if (change.seq <= (target.reactionsSeq ?? 0)) return target;
  const counts = new Map((target.reactions ?? []).map((r) => [r.emoji, r.count]));
  const { emoji, previous } = change.content;
  if (previous !== null) {
    const left = (counts.get(previous) ?? 0) - 1;
    if (left > 0) counts.set(previous, left);
    else counts.delete(previous);
  }
  if (emoji !== null) counts.set(emoji, (counts.get(emoji) ?? 0) + 1);
  const next: Message = { ...target, reactionsSeq: change.seq };
  // Sorted by emoji, so a store that aggregates rows on read gets the very same list.
  if (counts.size > 0) {
    next.reactions = [...counts]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([e, count]) => ({ emoji: e, count }));
  } else delete next.reactions;
  return next;
}

/**
 * Applies `change` to one stored row: to its target (edit, delete, reaction), and for a delete also
 * to the rows that held the target's content (its edits lose their text, replies' quotes say
 * "deleted"). Returns `row` itself when nothing changes.
 */
export function foldChange(row: Message, change: Message): Message {
  if (!isChange(change) || change.seq <= row.seq) return row;
  const content = change.content;
  if (content.kind === "delete") {
    if (row.seq === content.targetSeq) return isDeleted(row) ? row : tombstone(row, change);
    if (row.content.kind === "edit" && row.content.targetSeq === content.targetSeq) {
      return row.content.text === undefined
        ? row
        : { ...row, content: { kind: "edit", targetSeq: content.targetSeq } };
    }
    if (row.replyToSeq === content.targetSeq && row.quote && !row.quote.deleted) {
      return { ...row, quote: { senderId: row.quote.senderId, kind: "deleted", deleted: true } };
    }
    return row;
  }
  if (row.seq !== content.targetSeq || isDeleted(row)) return row;
  if (content.kind === "reaction") return foldReaction(row, { ...change, content });
  // An edit: only of text, only newer than the text the row holds.
  if (row.content.kind !== "text" || content.text === undefined) return row;
  if (change.seq <= (row.editSeq ?? 0)) return row;
  return {
    ...row,
    content: { kind: "text", text: content.text },
    editedAt: change.serverTs,
    editSeq: change.seq,
  };
}

/** Folds every change in `messages` (ascending) into the others, keeping only what to display. */
export function foldAll(messages: readonly Message[]): Message[] {
  const rows: Message[] = [];
  for (const message of messages) {
    if (isChange(message)) {
      for (let i = 0; i < rows.length; i++) rows[i] = foldChange(rows[i]!, message);
    } else {
      rows.push(message);
    }
  }
  return rows;
}
