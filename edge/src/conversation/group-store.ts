// The ConversationDO's group settings beside its metadata (description, admin-only sending) and
// role changes of the members table; in a direct chat, which members block it.
import type { MemberRole, UserId } from "@edge-chat/protocol";
import { DEFAULT_SETTINGS, type GroupSettings } from "./domain/group-admin.ts";

export class GroupStore {
  private readonly sql: SqlStorage;
  /** Tells the ConversationStore the members table changed, so its in-memory members reload. */
  private readonly membersChanged: () => void;
  constructor(sql: SqlStorage, membersChanged: () => void) {
    this.sql = sql;
    this.membersChanged = membersChanged;
  }

  settings(): GroupSettings {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM kv WHERE key = 'group:settings'")
      .toArray()[0];
    return row
      ? { ...DEFAULT_SETTINGS, ...(JSON.parse(row.value) as GroupSettings) }
      : DEFAULT_SETTINGS;
  }
  setSettings(settings: GroupSettings): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO kv (key, value) VALUES ('group:settings', ?)",
      JSON.stringify(settings),
    );
  }
  /** The members of a direct chat who block it. */
  blockedBy(): UserId[] {
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM kv WHERE key = 'direct:blockedBy'")
      .toArray()[0];
    return row ? (JSON.parse(row.value) as UserId[]) : [];
  }
  setBlockedBy(userIds: UserId[]): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO kv (key, value) VALUES ('direct:blockedBy', ?)",
      JSON.stringify(userIds),
    );
  }
  setRole(userId: UserId, role: MemberRole): void {
    this.sql.exec("UPDATE members SET role = ? WHERE user_id = ?", role, userId);
    this.membersChanged();
  }
}
