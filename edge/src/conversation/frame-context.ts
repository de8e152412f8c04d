// What a frame handler may use: the conversation's services, its sockets and the DO's alarm. Its
// own file so the handlers (frames.ts, changes-frames.ts) share it without importing each other.
import type { ConversationId, UserId } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import type { MessageChanges } from "./changes-service.ts";
import type { LiveBatcher } from "./live-batcher.ts";
import type { ReceiptBatcher } from "./receipt-batcher.ts";
import type { ConversationService } from "./service.ts";
import type { Sockets } from "./sockets.ts";

export interface FrameContext {
  conversationId: ConversationId;
  service: ConversationService;
  changes: MessageChanges;
  sockets: Sockets;
  config: Config;
  now: () => number;
  /** Batches live messages under load (see live-batcher.ts). */
  live: LiveBatcher;
  /** Coalesces `delivered` frames (see receipt-batcher.ts). */
  receipts: ReceiptBatcher;
  /** Asks the DO to (re)compute its alarm (typing expiry, region outbox flush). */
  scheduleAlarm: () => void;
  /** Tells a direct chat's peer's inbox that a member started or stopped typing (best effort). */
  typingToInbox?: (userId: UserId, state: "start" | "stop") => void;
}
