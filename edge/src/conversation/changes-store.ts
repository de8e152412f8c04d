// The ConversationDO's tables for message changes, beside the messages window (same database, same
// transactions): edit history (for the sender), each member's one reaction per message, the seqs
// deleted for everyone (outliving the window, so an old deleted message stays deleted), the seqs
// each member hid for themself, and which replies quote which message (to scrub quotes on delete).
import type { Message, Seq, UserId } from "@edge-chat/protocol";
import { MentionMarks } from "./mention-marks.ts";

export const CHANGES_SCHEMA = `
CREATE TABLE IF NOT EXISTS message_versions (
  target_seq INTEGER NOT NULL, version_seq INTEGER NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (target_seq, version_seq));
CREATE TABLE IF NOT EXISTS reactions (
  target_seq INTEGER NOT NULL, user_id TEXT NOT NULL, emoji TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (target_seq, user_id));
CREATE TABLE IF NOT EXISTS deleted_seqs (seq INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS hidden_seqs (
  user_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (user_id, seq));
CREATE TABLE IF NOT EXISTS reply_quotes (
  target_seq INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (target_seq, seq));
`;

export class ChangesStore {
  private readonly sql: SqlStorage;
  /** Who was last mentioned where (for push: a mention overrides mute). */
  readonly mentions: MentionMarks;
  /** Tells the ConversationStore a window row changed, so its in-memory newest message reloads. */
  private readonly messageChanged: () => void;
  constructor(sql: SqlStorage, messageChanged: () => void) {
    this.sql = sql;
    this.messageChanged = messageChanged;
    sql.exec(CHANGES_SCHEMA);
    this.mentions = new MentionMarks(sql);
  }

  /** One message of the window, or undefined when it was trimmed (or never existed). */
  message(seq: number): Message | undefined {
    const row = this.sql
      .exec<{ body: string }>("SELECT body FROM messages WHERE seq = ?", seq)
      .toArray()[0];
    return row ? (JSON.parse(row.body) as Message) : undefined;
  }
  /** Rewrites a window row in place (a folded change); a trimmed row stays trimmed. */
  replaceMessage(message: Message): void {
    this.sql.exec(
      "UPDATE messages SET body = ? WHERE seq = ?",
      JSON.stringify(message),
      message.seq,
    );
    this.messageChanged();
  }

  // ── edit history: the original text (version_seq = the target's seq) and each edit's ──
  addVersion(targetSeq: Seq, versionSeq: Seq, text: string, at: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO message_versions (target_seq, version_seq, text, at) VALUES (?, ?, ?, ?)",
      targetSeq,
      versionSeq,
      text,
      at,
    );
  }
  versions(targetSeq: Seq): { versionSeq: number; text: string; at: number }[] {
    return this.sql
      .exec<{ version_seq: number; text: string; at: number }>(
        "SELECT version_seq, text, at FROM message_versions WHERE target_seq = ? ORDER BY version_seq",
        targetSeq,
      )
      .toArray()
      .map((r) => ({ versionSeq: r.version_seq, text: r.text, at: r.at }));
  }

  // ── reactions ──
  reactionOf(targetSeq: Seq, userId: UserId): string | null {
    const row = this.sql
      .exec<{ emoji: string }>(
        "SELECT emoji FROM reactions WHERE target_seq = ? AND user_id = ?",
        targetSeq,
        userId,
      )
      .toArray()[0];
    return row?.emoji ?? null;
  }
  setReaction(targetSeq: Seq, userId: UserId, emoji: string | null, at: number): void {
    if (emoji === null) {
      this.sql.exec(
        "DELETE FROM reactions WHERE target_seq = ? AND user_id = ?",
        targetSeq,
        userId,
      );
      return;
    }
    this.sql.exec(
      "INSERT OR REPLACE INTO reactions (target_seq, user_id, emoji, at) VALUES (?, ?, ?, ?)",
      targetSeq,
      userId,
      emoji,
      at,
    );
  }
  reactions(targetSeq: Seq): { userId: UserId; emoji: string; at: number }[] {
    return this.sql
      .exec<{ user_id: string; emoji: string; at: number }>(
        "SELECT user_id, emoji, at FROM reactions WHERE target_seq = ? ORDER BY at, user_id",
        targetSeq,
      )
      .toArray()
      .map((r) => ({ userId: r.user_id, emoji: r.emoji, at: r.at }));
  }

  // ── deletes for everyone ──
  isDeleted(seq: Seq): boolean {
    return this.sql.exec("SELECT 1 FROM deleted_seqs WHERE seq = ?", seq).toArray().length > 0;
  }
  /** The seqs of the other rows holding a message's content: its edits and the replies quoting it. */
  contentHolders(seq: Seq): Seq[] {
    const edits = this.versions(seq)
      .map((v) => v.versionSeq)
      .filter((s) => s !== seq);
    const replies = this.sql
      .exec<{ seq: number }>("SELECT seq FROM reply_quotes WHERE target_seq = ?", seq)
      .toArray()
      .map((r) => r.seq);
    return [...edits, ...replies].sort((a, b) => a - b);
  }
  /** Records the tombstone and forgets the content kept beside the window (versions, reactions). */
  markDeleted(seq: Seq): void {
    this.sql.exec("INSERT OR IGNORE INTO deleted_seqs (seq) VALUES (?)", seq);
    this.sql.exec("DELETE FROM message_versions WHERE target_seq = ?", seq);
    this.sql.exec("DELETE FROM reactions WHERE target_seq = ?", seq);
    this.sql.exec("DELETE FROM reply_quotes WHERE target_seq = ?", seq);
  }

  // ── delete for me ──
  hide(userId: UserId, seqs: Seq[]): Seq[] {
    const added: Seq[] = [];
    for (const seq of seqs) {
      const before = this.sql.exec(
        "INSERT OR IGNORE INTO hidden_seqs (user_id, seq) VALUES (?, ?)",
        userId,
        seq,
      );
      if (before.rowsWritten > 0) added.push(seq);
    }
    return added;
  }
  hidden(userId: UserId): Seq[] {
    return this.sql
      .exec<{ seq: number }>("SELECT seq FROM hidden_seqs WHERE user_id = ? ORDER BY seq", userId)
      .toArray()
      .map((r) => r.seq);
  }

  // ── replies ──
  addReply(targetSeq: Seq, seq: Seq): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO reply_quotes (target_seq, seq) VALUES (?, ?)",
      targetSeq,
      seq,
    );
  }
}
