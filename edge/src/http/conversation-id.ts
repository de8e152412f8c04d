// The conversation id in a public route's path. A malformed id names no conversation, so it gets
// the same not_found as any unknown one: the answer never hints at which ids exist.
import { ChatError, ConversationId } from "@edge-chat/protocol";

export function conversationIdOf(raw: string): ConversationId {
  const parsed = ConversationId.safeParse(raw);
  if (!parsed.success) throw new ChatError("not_found", "conversation not found");
  return parsed.data;
}
