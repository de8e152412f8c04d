// Coalesces the `delivered` frames of a conversation's sockets. Every member's device answers every
// message with one, so applying each on arrival would cost the conversation O(members) work per
// delivered frame (the status of a group message is a minimum over all members) and O(members)
// storage writes per message. Instead a frame only raises the member's pending watermark in memory
// (O(1)); within RECEIPT_TICK_MS one transaction applies all of them and the status frames are
// computed once. Anything that reads watermarks (read, info, the HTTP receipt routes) flushes
// first, so order is kept. Bound: a delivered watermark is durable within RECEIPT_TICK_MS of its
// frame; if the object dies inside that window the device's next `delivered` carries it again. A
// frame that names its device raises that device's own watermark the same way (device-receipts.ts).
import type { ConversationId, UserId } from "@edge-chat/protocol";
import type { DeviceDelivered } from "./device-receipts.ts";
import type { StatusChange } from "./domain/receipts.ts";

/**
 * 100 ms rather than 25: each tick is one transaction (and its commit, an fsync on workerd's local
 * SQLite, which holds every outgoing frame behind it: the output gate), plus one region outbox
 * event per member that moved. With acks every member moves on nearly every frame, so a tick's
 * cost is O(members) whatever its length, and the tick rate is what multiplies it. 100 ms is still
 * below what a person notices in a tick mark turning grey.
 */
export const RECEIPT_TICK_MS = 100;

export interface ReceiptBatcherDeps {
  conversationId: () => ConversationId;
  apply: (conversationId: ConversationId, upTo: ReadonlyMap<UserId, number>) => StatusChange[];
  statuses: (changes: StatusChange[]) => void;
  /** After applying: the region outbox has new events (the alarm decides when to flush them). */
  applied: () => void;
  /** Stores devices' own watermarks (one transaction per tick). */
  applyDevices: (upTo: DeviceDelivered[]) => void;
}

export class ReceiptBatcher {
  private readonly deps: ReceiptBatcherDeps;
  private pending = new Map<UserId, number>();
  private devices = new Map<string, DeviceDelivered>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: ReceiptBatcherDeps) {
    this.deps = deps;
  }

  /** A member's device got everything up to `upToSeq`. O(1). */
  delivered(userId: UserId, upToSeq: number, deviceId?: string): void {
    const current = this.pending.get(userId);
    if (current === undefined || upToSeq > current) this.pending.set(userId, upToSeq);
    if (deviceId !== undefined) {
      const key = `${userId}\n${deviceId}`;
      const device = this.devices.get(key);
      if (device === undefined || upToSeq > device.upToSeq) {
        this.devices.set(key, { userId, deviceId, upToSeq });
      }
    }
    this.timer ??= setTimeout(() => this.flush(), RECEIPT_TICK_MS);
  }

  /** Applies what is pending now (from the timer, or before anything that reads watermarks). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.devices.size > 0) {
      const devices = [...this.devices.values()];
      this.devices = new Map();
      try {
        this.deps.applyDevices(devices);
      } catch (error) {
        console.error("device receipts failed", error);
      }
    }
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    try {
      this.deps.statuses(this.deps.apply(this.deps.conversationId(), pending));
      this.deps.applied();
    } catch (error) {
      console.error("delivered receipts failed", error);
    }
  }
}
