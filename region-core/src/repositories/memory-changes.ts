// In-memory message_edits / message_deletions / message_reactions / message_annotations for
// ADAPTERS=embedded, with the Cassandra adapter's rules: edits and reactions versioned by their
// seq, a delete final. A delete also scrubs the stored rows of `messages` (target, edits' text).
import type { ConversationId, Message, UserId } from "@edge-chat/protocol";
import type { ChangeState, MessageChangesRepository } from "./ports.ts";

/** The one thing a delete needs of the in-memory `messages` table (kept narrow so this file does
 * not import memory.ts, which builds it: no import circle). */
export interface FinalizableMessages {
  finalize(conversationId: ConversationId, seq: number, content: Message["content"]): Promise<void>;
}

export class MemoryMessageChanges implements MessageChangesRepository {
  private readonly state = new Map<string, ChangeState>();
  private readonly messages: FinalizableMessages;

  constructor(messages: FinalizableMessages) {
    this.messages = messages;
  }

  private of(conversationId: ConversationId, seq: number): ChangeState {
    const key = `${conversationId}\u0000${seq}`;
    let state = this.state.get(key);
    if (!state) {
      state = { reactions: [] };
      this.state.set(key, state);
    }
    return state;
  }

  async edit(
    conversationId: ConversationId,
    targetSeq: number,
    edit: { text: string; editSeq: number; editedAt: number },
  ): Promise<void> {
    const state = this.of(conversationId, targetSeq);
    if (state.deletion || (state.edit && state.edit.editSeq >= edit.editSeq)) return;
    state.edit = { ...edit };
  }

  async delete(
    conversationId: ConversationId,
    target: { seq: number; senderId: UserId },
    deletion: { deletedAt: number; deletedBy: UserId },
    scrub: { edits: number[]; replies: number[] },
  ): Promise<void> {
    const state = this.of(conversationId, target.seq);
    state.deletion ??= { ...deletion };
    delete state.edit;
    state.reactions = [];
    delete state.quote;
    delete state.mentions;
    await this.messages.finalize(conversationId, target.seq, { kind: "deleted" });
    for (const seq of scrub.edits) {
      await this.messages.finalize(conversationId, seq, { kind: "edit", targetSeq: target.seq });
    }
    for (const seq of scrub.replies) {
      this.of(conversationId, seq).quote = {
        senderId: target.senderId,
        kind: "deleted",
        deleted: true,
      };
    }
  }

  async react(
    conversationId: ConversationId,
    targetSeq: number,
    reaction: { userId: UserId; emoji: string | null; reactionSeq: number },
  ): Promise<void> {
    const state = this.of(conversationId, targetSeq);
    if (state.deletion) return;
    const mine = state.reactions.find((r) => r.userId === reaction.userId);
    if (!mine) state.reactions.push({ ...reaction });
    else if (mine.reactionSeq < reaction.reactionSeq) Object.assign(mine, reaction);
  }

  async annotate(message: Message): Promise<void> {
    const state = this.of(message.conversationId, message.seq);
    if (state.deletion) return;
    if (message.quote && !state.quote?.deleted) state.quote = { ...message.quote };
    if (message.mentions) state.mentions = [...message.mentions];
  }

  async states(conversationId: ConversationId, seqs: number[]): Promise<Map<number, ChangeState>> {
    const result = new Map<number, ChangeState>();
    for (const seq of seqs) {
      const state = this.state.get(`${conversationId}\u0000${seq}`);
      if (state) result.set(seq, structuredClone(state));
    }
    return result;
  }
}
