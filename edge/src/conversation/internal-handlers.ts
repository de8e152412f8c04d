// What the ConversationDO hands its internal routes (internal-app.ts and the route files it
// mounts). Its own file so those route files do not import the app that mounts them.
import type { ClientLocation } from "@edge-chat/geo-router";
import type { ConversationId, RegionHistoryPage, UserId } from "@edge-chat/protocol";
import type { RegionHistoryRequest } from "../region/history.ts";
import type { MessageChanges } from "./changes-service.ts";
import type { GroupAdmin } from "./group-service.ts";
import type { GroupInvites } from "./invites-service.ts";
import type { LiveBatcher } from "./live-batcher.ts";
import type { ConversationService } from "./service.ts";
import type { Sockets } from "./sockets.ts";

export interface InternalHandlers {
  service: ConversationService;
  changes: MessageChanges;
  group: GroupAdmin;
  invites: GroupInvites;
  sockets: Sockets;
  /** Live messages go out through the batcher, so system messages keep their place in order. */
  live: LiveBatcher;
  /** The WebSocket upgrade (handled by the DO itself). */
  upgrade(request: Request, conversationId: ConversationId, userId: UserId | undefined): Response;
  scheduleAlarm(): void;
  /** Applies the sockets' coalesced `delivered` frames before a watermark is read or moved. */
  flushReceipts(): void;
  /** Older messages from the region's history API; null when unavailable. */
  regionHistory(
    conversationId: ConversationId,
    request: RegionHistoryRequest,
  ): Promise<RegionHistoryPage | null>;
  /** Records the caller's location (set by the Worker from request.cf). */
  rememberLocation(location: ClientLocation): void;
}
