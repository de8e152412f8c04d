// The InboxDO's RPC surface as callers see it. env.ts types the INBOXES binding with this interface
// rather than with the class, so the bindings do not import the Durable Object (and, through it,
// half the edge): the class implements it, callers depend on it, and no import circle forms.
import type {
  InboxEntry,
  InboxUpdate,
  Presence,
  TicketResponse,
  UserId,
} from "@edge-chat/protocol";

export interface InboxRpc extends Rpc.DurableObjectBranded {
  /** From a ConversationDO: one member's view of one conversation ("set to at least"). */
  applyUpdate(update: InboxUpdate): Promise<void>;
  list(userId: UserId): Promise<InboxEntry[]>;
  issueTicket(userId: UserId): Promise<TicketResponse>;
  /** The owner's presence for `viewer`; null (→ 404) unless they share a direct conversation. */
  presenceFor(owner: UserId, viewer: UserId): Promise<Presence | null>;
  /** A direct-chat peer's presence changed: tell this user's devices (if they are still peers). */
  peerPresence(owner: UserId, presence: Presence): Promise<void>;
  /** How many pushes this inbox has decided to send (for operators and tests). */
  pushesDecided(): Promise<number>;
}
