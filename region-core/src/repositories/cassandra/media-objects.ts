// media_objects: one row per object an upload URL was issued for, keyed by object key (cql's 0006).
// Written once; the media API reads it to check an object's conversation before signing a download.
import { MEDIA_OBJECTS as M, TABLES } from "@edge-chat/cql";
import type { MediaObjectRow, MediaObjectsRepository } from "../ports.ts";
import { type Session, toNumber } from "./session.ts";

export class CassandraMediaObjects implements MediaObjectsRepository {
  private readonly session: Session;
  private readonly table: string;

  constructor(session: Session) {
    this.session = session;
    this.table = `${session.keyspace}.${TABLES.mediaObjects}`;
  }

  async get(objectKey: string): Promise<MediaObjectRow | null> {
    const result = await this.session.execute(
      `SELECT ${M.ownerId}, ${M.conversationId}, ${M.mime}, ${M.size}, ${M.createdAt} FROM ${this.table} WHERE ${M.objectKey} = ?`,
      [objectKey],
    );
    const row = result.first();
    if (!row) return null;
    return {
      objectKey,
      ownerId: row[M.ownerId] as string,
      conversationId: row[M.conversationId] as string,
      mime: row[M.mime] as string,
      size: toNumber(row[M.size]),
      createdAt: toNumber(row[M.createdAt]),
    };
  }

  async put(row: MediaObjectRow): Promise<void> {
    await this.session.execute(
      `INSERT INTO ${this.table} (${M.objectKey}, ${M.ownerId}, ${M.conversationId}, ${M.mime}, ${M.size}, ${M.createdAt}) VALUES (?, ?, ?, ?, ?, ?)`,
      [row.objectKey, row.ownerId, row.conversationId, row.mime, row.size, new Date(row.createdAt)],
    );
  }
}
