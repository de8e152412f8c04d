// The ConversationDO as callers see it. env.ts types the CONVERSATIONS binding with this interface
// rather than with the class, so the bindings do not import the Durable Object (and, through it,
// half the edge). Requests reach it through `fetch` (its internal routes and the WebSocket upgrade).
import type { UserId } from "@edge-chat/protocol";

export interface ConversationRpc extends Rpc.DurableObjectBranded {
  /** From a member's InboxDO about to push: how far each of the member's devices has received. */
  deliveredByDevice(userId: UserId): Promise<Record<string, number>>;
}
