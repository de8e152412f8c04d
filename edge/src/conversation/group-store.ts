// The ConversationDO's group settings beside its metadata (description, admin-only sending) and
// role changes of the members table; in a direct chat, which members block it. Every send checks
// the settings and the blocks, so both are read from SQLite once and then served from memory; a
// write drops the copy (not replaces it), so a rolled-back transaction can never leave memory ahead
// of disk: the next read reloads what was committed.
import type { MemberRole, UserId } from "@edge-chat/protocol";
import { DEFAULT_SETTINGS, type GroupSettings } from "./domain/group-admin.ts";

export class GroupStore {
  private readonly sql: SqlStorage;
  /** Tells the ConversationStore the members table changed, so its in-memory members reload. */
  private readonly membersChanged: () => void;
  private settingsCache: GroupSettings | undefined;
  private blockedByCache: UserId[] | undefined;
  constructor(sql: SqlStorage, membersChanged: () => void) {
    this.sql = sql;
    this.membersChanged = membersChanged;
  }

  /** Forgets the copies in memory (a rolled-back transaction; the next read reloads). */
  dropCache(): void {
    this.settingsCache = undefined;
    this.blockedByCache = undefined;
  }

  settings(): GroupSettings {
    this.settingsCache ??= this.loadSettings();
    return this.settingsCache;
  }
  private loadSettings(): GroupSettings {
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
    this.settingsCache = undefined;
  }
  /** The members of a direct chat who block it. */
  blockedBy(): UserId[] {
    this.blockedByCache ??= this.loadBlockedBy();
    return this.blockedByCache;
  }
  private loadBlockedBy(): UserId[] {
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
    this.blockedByCache = undefined;
  }
  setRole(userId: UserId, role: MemberRole): void {
    this.sql.exec("UPDATE members SET role = ? WHERE user_id = ?", role, userId);
    this.membersChanged();
  }
}
