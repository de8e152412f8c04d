// Coalesces the `delivered` frames of a conversation's sockets. Every member's device answers every
// message with one, so applying each on arrival would cost the conversation O(members) work per
// delivered frame (the status of a group message is a minimum over all members) and O(members)
// storage writes per message. Instead a frame only raises the member's pending watermark in memory
// (O(1)); within RECEIPT_TICK_MS one transaction applies all of them and the status frames are
// computed once. Anything that reads watermarks (read, info, the HTTP receipt routes) flushes
// first, so order is kept. Bound: a delivered watermark is durable within RECEIPT_TICK_MS of its
// frame (up to RECEIPT_TICK_MAX_MS in a large group, see receiptTickMs); if the object dies inside
// that window the device's next `delivered` carries it again. A
// frame that names its device raises that device's own watermark the same way (device-receipts.ts).
import type { ConversationId, UserId } from "@edge-chat/protocol";
import type { DeviceDelivered } from "./device-receipts.ts";
import type { StatusChange } from "./domain/receipts.ts";

/**
 * 100 ms rather than 25: each tick is one transaction (and its commit, which holds every outgoing
 * frame behind it: the output gate), plus one region outbox event per member that moved. With acks
 * every member moves on nearly every frame, so a tick's cost is O(members) whatever its length,
 * and the tick rate is what multiplies it. 100 ms is still below what a person notices in a tick
 * mark turning grey.
 */
export const RECEIPT_TICK_MS = 100;
/**
 * A large group ticks more slowly: the next tick waits 1 ms per watermark row the last one wrote
 * (members moved plus devices), between RECEIPT_TICK_MS and RECEIPT_TICK_MAX_MS. So a conversation
 * writes at most ~1,000 watermark rows (and region outbox events) a second whatever its size: at
 * 1,024 members acking 5 messages a second, 100 ms ticks wrote ~10,000 a second, all but the last
 * of each member's overwritten by the next. Large-group behaviour: a grey tick may take up to 1 s.
 */
export const RECEIPT_TICK_MS_PER_ROW = 1;
export const RECEIPT_TICK_MAX_MS = 1_000;

/** How long the next tick waits, from the rows the previous tick wrote. Pure. */
export function receiptTickMs(lastRows: number): number {
  return Math.min(
    RECEIPT_TICK_MAX_MS,
    Math.max(RECEIPT_TICK_MS, lastRows * RECEIPT_TICK_MS_PER_ROW),
  );
}

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
  /** Watermark rows the last tick wrote (sets the next tick's wait). */
  private lastRows = 0;

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
    this.timer ??= setTimeout(() => this.flush(), receiptTickMs(this.lastRows));
  }

  /** Applies what is pending now (from the timer, or before anything that reads watermarks). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRows = this.pending.size + this.devices.size;
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
