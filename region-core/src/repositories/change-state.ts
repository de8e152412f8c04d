// Folds a message's stored change state (edit, deletion, reactions, quote, mentions) into the
// message as the history API returns it: the same state the ConversationDO's fold reaches
// (@edge-chat/protocol's fold.ts), so history from any region equals what a synced device shows.
import type { Message } from "@edge-chat/protocol";
import type { ChangeState } from "./ports.ts";

export function withState(message: Message, state: ChangeState | undefined): Message {
  if (!state) return message;
  if (state.deletion) {
    const dead: Message = {
      conversationId: message.conversationId,
      seq: message.seq,
      messageId: message.messageId,
      clientMsgId: message.clientMsgId,
      senderId: message.senderId,
      content: { kind: "deleted" },
      serverTs: message.serverTs,
      deletedAt: state.deletion.deletedAt,
      deletedBy: state.deletion.deletedBy,
    };
    if (message.replyToSeq !== undefined) dead.replyToSeq = message.replyToSeq;
    return dead;
  }
  const next: Message = { ...message };
  if (state.quote) next.quote = state.quote;
  if (state.mentions && state.mentions.length > 0) next.mentions = state.mentions;
  if (state.edit && next.content.kind === "text") {
    next.content = { kind: "text", text: state.edit.text };
    next.editedAt = state.edit.editedAt;
    next.editSeq = state.edit.editSeq;
  }
  if (state.reactions.length > 0) {
    const counts = new Map<string, number>();
    for (const r of state.reactions) {
      if (r.emoji !== null) counts.set(r.emoji, (counts.get(r.emoji) ?? 0) + 1);
    }
    next.reactionsSeq = Math.max(...state.reactions.map((r) => r.reactionSeq));
    if (counts.size > 0) {
      next.reactions = [...counts]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([emoji, count]) => ({ emoji, count }));
    }
  }
  return next;
}

/** A history page with every message in its latest state. */
export async function latestState(
  repo: { states(c: Message["conversationId"], seqs: number[]): Promise<Map<number, ChangeState>> },
  conversationId: Message["conversationId"],
  messages: Message[],
): Promise<Message[]> {
  if (messages.length === 0) return messages;
  const states = await repo.states(
    conversationId,
    messages.map((m) => m.seq),
  );
  return messages.map((m) => withState(m, states.get(m.seq)));
}
