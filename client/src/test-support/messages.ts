// Builders of valid protocol values for unit tests.
import { type Message, Message as MessageSchema } from "@edge-chat/protocol";

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
