// Builders of valid protocol values for unit tests (messages and inbox rows).
import {
  type InboxEntry,
  InboxEntry as InboxEntrySchema,
  type Message,
  Message as MessageSchema,
  unreadCount,
} from "@edge-chat/protocol";

export const CONVERSATION = "d:alice:bob";

export function makeMessage(seq: number, overrides: Partial<Message> = {}): Message {
  return MessageSchema.parse({
    conversationId: CONVERSATION,
    seq,
    messageId: uuidFor(seq),
    clientMsgId: `c${seq}`,
    senderId: "bob",
    content: { kind: "text", text: `message ${seq}` },
    serverTs: 1_700_000_000_000 + seq,
    ...overrides,
  });
}

/** A deterministic, valid UUID per seq. */
export function uuidFor(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** An inbox row: a direct chat by default, `lastSeq` messages, read up to `readUpTo`. */
export function makeEntry(
  conversationId: string,
  lastSeq: number,
  readUpTo: number,
  overrides: Partial<InboxEntry> = {},
): InboxEntry {
  return InboxEntrySchema.parse({
    conversationId,
    kind: conversationId.startsWith("g:") ? "group" : "direct",
    lastSeq,
    lastMessageAt: 1_700_000_000_000 + lastSeq * 1000,
    readUpTo,
    unread: unreadCount(lastSeq, readUpTo),
    ...overrides,
  });
}
