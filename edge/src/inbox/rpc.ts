// The InboxDO's RPC surface as callers see it. env.ts types the INBOXES binding with this interface
// rather than with the class, so the bindings do not import the Durable Object (and, through it,
// half the edge): the class implements it, callers depend on it, and no import circle forms.
import type {
  InboxEntry,
  InboxTypingFrame,
  InboxUpdate,
  InboxUpdateAck,
  Presence,
  TicketResponse,
  UserId,
} from "@edge-chat/protocol";

export interface InboxRpc extends Rpc.DurableObjectBranded {
  /**
   * From a ConversationDO: one member's view of one conversation ("set to at least"); answers how
   * far the user's connected devices now have it (the conversation's delivered watermark).
   */
  applyUpdate(update: InboxUpdate): Promise<InboxUpdateAck>;
  list(userId: UserId): Promise<InboxEntry[]>;
  issueTicket(userId: UserId): Promise<TicketResponse>;
  /** The owner's presence for `viewer`; null (→ 404) unless they share a direct conversation. */
  presenceFor(owner: UserId, viewer: UserId): Promise<Presence | null>;
  /** A direct-chat peer's presence changed: tell this user's devices (if they are still peers). */
  peerPresence(owner: UserId, presence: Presence): Promise<void>;
  /** A direct-chat peer started or stopped typing: tell this user's devices (the list's "typing…"). */
  peerTyping(owner: UserId, frame: InboxTypingFrame): Promise<void>;
  /** How many pushes this inbox has decided to send (for operators and tests). */
  pushesDecided(): Promise<number>;
  /** Decided pushes still waiting in the push outbox for the push sender to confirm them. */
  pushesPending(): Promise<number>;
}
