// The ConversationDO's record of verified media (table `verified_media`): one row per object a
// region verified for a member (POST …/media/verify), read by the send path to accept a message
// that references it. Its own table and schema, beside the store's.
import { type UserId, VerifiedMedia } from "@edge-chat/protocol";
import type { VerifiedLookup, VerifiedRecord } from "./domain/media.ts";

export const VERIFIED_MEDIA_SCHEMA = `
CREATE TABLE IF NOT EXISTS verified_media (
  object_key TEXT PRIMARY KEY, owner_id TEXT NOT NULL, body TEXT NOT NULL, verified_at INTEGER NOT NULL);`;

export class VerifiedMediaStore implements VerifiedLookup {
  private readonly sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(VERIFIED_MEDIA_SCHEMA);
  }

  /** Records (or refreshes) what a region verified; the first verifier stays the owner. */
  put(ownerId: UserId, media: VerifiedMedia, now: number): void {
    this.sql.exec(
      `INSERT INTO verified_media (object_key, owner_id, body, verified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (object_key) DO UPDATE SET body = excluded.body, verified_at = excluded.verified_at
       WHERE owner_id = excluded.owner_id`,
      media.objectKey,
      ownerId,
      JSON.stringify(media),
      now,
    );
  }

  get(objectKey: string): VerifiedRecord | null {
    const row = this.sql
      .exec<{ owner_id: string; body: string; verified_at: number }>(
        "SELECT owner_id, body, verified_at FROM verified_media WHERE object_key = ?",
        objectKey,
      )
      .toArray()[0];
    if (!row) return null;
    return {
      ownerId: row.owner_id,
      media: VerifiedMedia.parse(JSON.parse(row.body)),
      verifiedAt: row.verified_at,
    };
  }
}
