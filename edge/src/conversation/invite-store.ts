// The ConversationDO's invite links table: one row per invite, the secret kept only as a hash.
import type { InviteRecord } from "./domain/invites.ts";

const SCHEMA = `CREATE TABLE IF NOT EXISTS invites (
  invite_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER, max_uses INTEGER,
  uses INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0);`;

type Row = {
  invite_id: string;
  secret_hash: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: number;
  revoked: number;
};

const toRecord = (r: Row): InviteRecord => ({
  inviteId: r.invite_id,
  secretHash: r.secret_hash,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at ?? undefined,
  maxUses: r.max_uses ?? undefined,
  uses: r.uses,
  revoked: r.revoked === 1,
});

export class InviteStore {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(SCHEMA);
  }

  get(inviteId: string): InviteRecord | undefined {
    const row = this.sql
      .exec<Row>("SELECT * FROM invites WHERE invite_id = ?", inviteId)
      .toArray()[0];
    return row ? toRecord(row) : undefined;
  }

  /** Every invite, newest first. */
  list(): InviteRecord[] {
    return this.sql
      .exec<Row>("SELECT * FROM invites ORDER BY created_at DESC")
      .toArray()
      .map(toRecord);
  }

  insert(invite: InviteRecord): void {
    this.sql.exec(
      "INSERT INTO invites (invite_id, secret_hash, created_by, created_at, expires_at, max_uses, uses, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      invite.inviteId,
      invite.secretHash,
      invite.createdBy,
      invite.createdAt,
      invite.expiresAt ?? null,
      invite.maxUses ?? null,
      invite.uses,
      invite.revoked ? 1 : 0,
    );
  }

  revoke(inviteId: string): void {
    this.sql.exec("UPDATE invites SET revoked = 1 WHERE invite_id = ?", inviteId);
  }

  used(inviteId: string): void {
    this.sql.exec("UPDATE invites SET uses = uses + 1 WHERE invite_id = ?", inviteId);
  }
}
