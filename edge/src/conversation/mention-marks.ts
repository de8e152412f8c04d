// Per member, the newest seq whose message mentions them: written when a message with mentions is
// stored (O(mentions), at most LIMITS.maxMentions), read when the member's inbox update is made,
// so the InboxDO can let a mention through a mute without the conversation replaying messages.
import type { UserId } from "@edge-chat/protocol";

const SCHEMA =
  "CREATE TABLE IF NOT EXISTS mention_marks (user_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);";

export class MentionMarks {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(SCHEMA);
  }

  record(userIds: readonly UserId[], seq: number): void {
    for (const userId of userIds) {
      this.sql.exec(
        "INSERT INTO mention_marks (user_id, seq) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET seq = max(seq, excluded.seq)",
        userId,
        seq,
      );
    }
  }

  /** The newest seq mentioning `userId`, or undefined when none did. */
  seqOf(userId: UserId): number | undefined {
    return this.sql
      .exec<{ seq: number }>("SELECT seq FROM mention_marks WHERE user_id = ?", userId)
      .toArray()[0]?.seq;
  }
}
