// message_edits, message_deletions, message_reactions, message_annotations (@edge-chat/cql's 0009)
// and the delete's scrub of messages_by_conversation. Write timestamps carry the rules: edits and
// reactions at their event's seq (newest wins, replays lose), a delete at FINAL_WRITE_TIMESTAMP
// (wins over every write of the same cells, even a replayed original insert).
import {
  bucketOf,
  FINAL_WRITE_TIMESTAMP as FINAL,
  MESSAGE_ANNOTATIONS as MA,
  MESSAGE_DELETIONS as MD,
  MESSAGE_EDITS as ME,
  MESSAGE_REACTIONS as MRX,
  MESSAGES_BY_CONVERSATION as M,
  TABLES,
} from "@edge-chat/cql";
import { type ConversationId, type Message, Quote, type UserId } from "@edge-chat/protocol";
import type { ChangeState, MessageChangesRepository } from "../ports.ts";
import { type Session, toNumber } from "./session.ts";

const key = `WHERE conversation_id = ? AND bucket = ? AND seq = ?`;

export class CassandraMessageChanges implements MessageChangesRepository {
  private readonly session: Session;
  private readonly t: Record<
    "edits" | "deletions" | "reactions" | "annotations" | "messages",
    string
  >;

  constructor(session: Session) {
    this.session = session;
    const ks = session.keyspace;
    this.t = {
      edits: `${ks}.${TABLES.messageEdits}`,
      deletions: `${ks}.${TABLES.messageDeletions}`,
      reactions: `${ks}.${TABLES.messageReactions}`,
      annotations: `${ks}.${TABLES.messageAnnotations}`,
      messages: `${ks}.${TABLES.messagesByConversation}`,
    };
  }

  async edit(
    conversationId: ConversationId,
    targetSeq: number,
    edit: { text: string; editSeq: number; editedAt: number },
  ): Promise<void> {
    await this.session.execute(
      `UPDATE ${this.t.edits} SET ${ME.text} = ?, ${ME.editSeq} = ?, ${ME.editedAt} = ? ${key}`,
      [
        edit.text,
        edit.editSeq,
        new Date(edit.editedAt),
        conversationId,
        bucketOf(targetSeq),
        targetSeq,
      ],
      { timestamp: edit.editSeq },
    );
  }

  async delete(
    conversationId: ConversationId,
    target: { seq: number; senderId: UserId },
    deletion: { deletedAt: number; deletedBy: UserId },
    scrub: { edits: number[]; replies: number[] },
  ): Promise<void> {
    const at = { timestamp: FINAL };
    const where = (seq: number) => [conversationId, bucketOf(seq), seq];
    await this.session.execute(
      `UPDATE ${this.t.deletions} SET ${MD.deletedAt} = ?, ${MD.deletedBy} = ? ${key}`,
      [new Date(deletion.deletedAt), deletion.deletedBy, ...where(target.seq)],
      at,
    );
    // The content goes: body and media of the row, its edit and reactions, its annotations.
    await Promise.all([
      this.session.execute(
        `UPDATE ${this.t.messages} SET ${M.kind} = 'deleted', ${M.body} = null, ${M.media} = null, ` +
          `${M.deletedAt} = ? ${key}`,
        [new Date(deletion.deletedAt), ...where(target.seq)],
        at,
      ),
      this.session.execute(`DELETE FROM ${this.t.edits} ${key}`, where(target.seq), at),
      this.session.execute(`DELETE FROM ${this.t.reactions} ${key}`, where(target.seq), at),
      this.session.execute(`DELETE FROM ${this.t.annotations} ${key}`, where(target.seq), at),
      ...scrub.edits.map((seq) =>
        this.session.execute(
          `UPDATE ${this.t.messages} SET ${M.body} = ? ${key}`,
          [JSON.stringify({ targetSeq: target.seq }), ...where(seq)],
          at,
        ),
      ),
      ...scrub.replies.map((seq) =>
        this.session.execute(
          `UPDATE ${this.t.annotations} SET ${MA.quote} = ? ${key}`,
          [
            JSON.stringify({ senderId: target.senderId, kind: "deleted", deleted: true }),
            ...where(seq),
          ],
          at,
        ),
      ),
    ]);
  }

  async react(
    conversationId: ConversationId,
    targetSeq: number,
    reaction: { userId: UserId; emoji: string | null; reactionSeq: number },
  ): Promise<void> {
    await this.session.execute(
      `UPDATE ${this.t.reactions} SET ${MRX.emoji} = ?, ${MRX.reactionSeq} = ? ` +
        `WHERE conversation_id = ? AND bucket = ? AND seq = ? AND ${MRX.userId} = ?`,
      [
        reaction.emoji,
        reaction.reactionSeq,
        conversationId,
        bucketOf(targetSeq),
        targetSeq,
        reaction.userId,
      ],
      { timestamp: reaction.reactionSeq },
    );
  }

  async annotate(message: Message): Promise<void> {
    // Written at the message's own time: a later delete's scrub (FINAL) always wins over it.
    await this.session.execute(
      `UPDATE ${this.t.annotations} SET ${MA.quote} = ?, ${MA.mentions} = ? ${key}`,
      [
        message.quote ? JSON.stringify(message.quote) : null,
        message.mentions ?? null,
        message.conversationId,
        bucketOf(message.seq),
        message.seq,
      ],
      { timestamp: message.serverTs * 1000 },
    );
  }

  async states(conversationId: ConversationId, seqs: number[]): Promise<Map<number, ChangeState>> {
    const result = new Map<number, ChangeState>();
    const of = (seq: number) => {
      let s = result.get(seq);
      if (!s) {
        s = { reactions: [] };
        result.set(seq, s);
      }
      return s;
    };
    // One slice per bucket per table: a page spans at most two buckets.
    const ranges = new Map<number, { min: number; max: number }>();
    for (const seq of seqs) {
      const b = bucketOf(seq);
      const r = ranges.get(b);
      ranges.set(
        b,
        r ? { min: Math.min(r.min, seq), max: Math.max(r.max, seq) } : { min: seq, max: seq },
      );
    }
    const slice = (
      table: string,
      columns: string,
      bucket: number,
      r: { min: number; max: number },
    ) =>
      this.session.execute(
        `SELECT seq, ${columns} FROM ${table} WHERE conversation_id = ? AND bucket = ? AND seq >= ? AND seq <= ?`,
        [conversationId, bucket, r.min, r.max],
        { fetchSize: 5000 },
      );
    await Promise.all(
      [...ranges].map(async ([bucket, r]) => {
        const [edits, deletions, reactions, annotations] = await Promise.all([
          slice(this.t.edits, `${ME.text}, ${ME.editSeq}, ${ME.editedAt}`, bucket, r),
          slice(this.t.deletions, `${MD.deletedAt}, ${MD.deletedBy}`, bucket, r),
          slice(this.t.reactions, `${MRX.userId}, ${MRX.emoji}, ${MRX.reactionSeq}`, bucket, r),
          slice(this.t.annotations, `${MA.quote}, ${MA.mentions}`, bucket, r),
        ]);
        for (const row of edits.rows) {
          if (row[ME.text] === null || row[ME.text] === undefined) continue;
          of(toNumber(row.seq)).edit = {
            text: String(row[ME.text]),
            editSeq: toNumber(row[ME.editSeq]),
            editedAt: (row[ME.editedAt] as Date).getTime(),
          };
        }
        for (const row of deletions.rows) {
          of(toNumber(row.seq)).deletion = {
            deletedAt: (row[MD.deletedAt] as Date).getTime(),
            deletedBy: String(row[MD.deletedBy]),
          };
        }
        for (const row of reactions.rows) {
          if (row[MRX.reactionSeq] === null || row[MRX.reactionSeq] === undefined) continue;
          of(toNumber(row.seq)).reactions.push({
            userId: String(row[MRX.userId]),
            emoji: (row[MRX.emoji] as string | null) ?? null,
            reactionSeq: toNumber(row[MRX.reactionSeq]),
          });
        }
        for (const row of annotations.rows) {
          const state = of(toNumber(row.seq));
          if (row[MA.quote]) state.quote = Quote.parse(JSON.parse(String(row[MA.quote])));
          const mentions = row[MA.mentions] as string[] | null;
          if (mentions && mentions.length > 0) state.mentions = mentions;
        }
      }),
    );
    return result;
  }
}
