// The ConversationDO's group settings beside its metadata (description, admin-only sending) and
// role changes of the members table.
import type { MemberRole, UserId } from "@edge-chat/protocol";
import { DEFAULT_SETTINGS, type GroupSettings } from "./domain/group-admin.ts";

export class GroupStore {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
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
  setRole(userId: UserId, role: MemberRole): void {
    this.sql.exec("UPDATE members SET role = ? WHERE user_id = ?", role, userId);
  }
}
