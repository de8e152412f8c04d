// The ConversationDO as callers see it. env.ts types the CONVERSATIONS binding with this interface
// rather than with the class, so the bindings do not import the Durable Object (and, through it,
// half the edge). Requests reach it through `fetch` (its internal routes and the WebSocket upgrade).
import type { Presence, UserId } from "@edge-chat/protocol";

export interface ConversationRpc extends Rpc.DurableObjectBranded {
  /** From a member's InboxDO about to push: how far each of the member's devices has received. */
  deliveredByDevice(userId: UserId): Promise<Record<string, number>>;
  /** From the block routes: show `viewer`'s open sockets the peer's presence as they may see it. */
  showPresence(viewer: UserId, presence: Presence): Promise<void>;
}
