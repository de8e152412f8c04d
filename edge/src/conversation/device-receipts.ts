// Each device's own delivered watermark in a conversation (table `device_delivered`): the member's
// watermark (receipts) says "a device of this member has it", this one says which devices do, so a
// push later goes only to the member's devices that have not received the message. Written once per
// receipt tick for the devices that acked (receipt-batcher.ts), read only when a push is about to
// leave the member's InboxDO: nothing here is on the send path.
import type { UserId } from "@edge-chat/protocol";

export const DEVICE_RECEIPTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS device_delivered (
  user_id TEXT NOT NULL, device_id TEXT NOT NULL, up_to INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id));`;

export interface DeviceDelivered {
  userId: UserId;
  deviceId: string;
  upToSeq: number;
}

export class DeviceReceipts {
  private readonly sql: SqlStorage;
  private readonly transaction: (fn: () => void) => void;
  private readonly lastSeq: () => number;

  constructor(sql: SqlStorage, transaction: (fn: () => void) => void, lastSeq: () => number) {
    this.sql = sql;
    this.transaction = transaction;
    this.lastSeq = lastSeq;
    sql.exec(DEVICE_RECEIPTS_SCHEMA);
  }

  /** Raises each device's watermark (never lowers it; never past the newest message). */
  record(upTo: DeviceDelivered[]): void {
    const last = this.lastSeq();
    this.transaction(() => {
      for (const d of upTo) {
        this.sql.exec(
          `INSERT INTO device_delivered (user_id, device_id, up_to) VALUES (?, ?, ?)
           ON CONFLICT (user_id, device_id) DO UPDATE SET up_to = MAX(up_to, excluded.up_to)`,
          d.userId,
          d.deviceId,
          Math.min(d.upToSeq, last),
        );
      }
    });
  }

  /** The member's devices and how far each has received. */
  of(userId: UserId): Record<string, number> {
    const result: Record<string, number> = {};
    for (const r of this.sql
      .exec<{ device_id: string; up_to: number }>(
        "SELECT device_id, up_to FROM device_delivered WHERE user_id = ?",
        userId,
      )
      .toArray()) {
      result[r.device_id] = r.up_to;
    }
    return result;
  }
}
