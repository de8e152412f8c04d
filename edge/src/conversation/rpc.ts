// The ConversationDO as callers see it. env.ts types the CONVERSATIONS binding with this interface
// rather than with the class, so the bindings do not import the Durable Object (and, through it,
// half the edge). Everything but the WebSocket upgrade (which stays on `fetch`) is a typed method;
// the arguments are protocol types the Worker has already validated, and a refusal comes back as
// an RpcAnswer (rpc/answer.ts) so its ChatError survives the boundary.
import type { ClientLocation } from "@edge-chat/geo-router";
import type {
  AddMemberRequest,
  Conversation,
  ConversationId,
  CreatedInvite,
  CreateGroupRequest,
  CreateInviteRequest,
  DeleteRequest,
  EditHistory,
  EditRequest,
  HiddenList,
  HistoryPage,
  HistoryQuery,
  InviteId,
  InviteList,
  JoinInviteRequest,
  Presence,
  ReactionList,
  ReactRequest,
  SendAck,
  SendRequest,
  Seq,
  SetRoleRequest,
  TicketResponse,
  UpdateGroupRequest,
  UserId,
  VerifiedMedia,
} from "@edge-chat/protocol";
import type { RpcAnswer } from "../rpc/answer.ts";

/** Who asks, as the Worker authenticated them, and where from (for the region outbox's choice). */
export interface Caller {
  conversationId: ConversationId;
  userId: UserId;
  location?: ClientLocation;
}

/** A write that may be a resend: `created` is false when the ack is of an earlier identical write. */
export interface Written {
  ack: SendAck;
  created: boolean;
}

type Answer<T> = Promise<RpcAnswer<T>>;

export interface ConversationRpc extends Rpc.DurableObjectBranded {
  /** From a member's InboxDO about to push: how far each of the member's devices has received. */
  deliveredByDevice(userId: UserId): Promise<Record<string, number>>;

  issueTicket(caller: Caller): Answer<TicketResponse>;
  /** The direct chat between the caller and the peer its id names (made on first use). */
  openDirect(caller: Caller): Answer<Conversation>;
  createGroup(caller: Caller, request: CreateGroupRequest): Answer<Conversation>;
  describe(caller: Caller): Answer<Conversation>;
  updateGroup(caller: Caller, request: UpdateGroupRequest): Answer<Conversation>;
  setRole(caller: Caller, target: UserId, role: SetRoleRequest["role"]): Answer<Conversation>;
  addMember(caller: Caller, request: AddMemberRequest): Answer<Conversation>;
  removeMember(caller: Caller, target: UserId): Answer<Conversation>;
  /** Block or unblock a direct chat. */
  setBlocked(caller: Caller, blocked: boolean): Answer<void>;

  send(caller: Caller, request: SendRequest): Answer<Written>;
  /** A window page, completed from the region's history when the window ends first. */
  history(caller: Caller, query: HistoryQuery): Answer<HistoryPage>;
  watermark(caller: Caller, kind: "read" | "delivered", upToSeq: Seq): Answer<void>;

  hidden(caller: Caller): Answer<HiddenList>;
  edit(caller: Caller, seq: Seq, request: EditRequest): Answer<Written>;
  /** Delete for everyone (a Written) or for the caller only (null). */
  remove(caller: Caller, seq: Seq, request: DeleteRequest): Answer<Written | null>;
  react(caller: Caller, seq: Seq, request: ReactRequest): Answer<Written>;
  editHistory(caller: Caller, seq: Seq): Answer<EditHistory>;
  reactions(caller: Caller, seq: Seq): Answer<ReactionList>;

  createInvite(caller: Caller, request: CreateInviteRequest): Answer<CreatedInvite>;
  listInvites(caller: Caller): Answer<InviteList>;
  revokeInvite(caller: Caller, inviteId: InviteId): Answer<void>;
  joinInvite(caller: Caller, token: JoinInviteRequest["token"]): Answer<Conversation>;

  /** Before an upload URL: membership, and one token of the caller's send bucket. */
  authorizeUpload(caller: Caller): Answer<void>;
  /** Before a download URL or a verification: membership. */
  authorizeRead(caller: Caller): Answer<void>;
  /** After a region verified an upload: a message may now reference it. */
  recordVerifiedMedia(caller: Caller, media: VerifiedMedia): Answer<void>;

  /** Test-only (CHAOS_EVICT_ROUTE=1): aborts the object as an eviction would. */
  evict(): Promise<void>;

  /** From the block routes: show `viewer`'s open sockets the peer's presence as they may see it. */
  showPresence(viewer: UserId, presence: Presence): Promise<void>;
}
