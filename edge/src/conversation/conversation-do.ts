// ConversationDO: one per conversation (idFromName(conversationId)). Thin on purpose: SocketObject
// owns the platform's socket methods, and each event (a request, a frame, a close, the alarm) is
// handed to the service and frame handlers, which decide; this class only wires them.
import type { ClientLocation } from "@edge-chat/geo-router";
import {
  type AddMemberRequest,
  ChatError,
  closeCodeOf,
  type Conversation,
  type ConversationId,
  type CreatedInvite,
  type CreateGroupRequest,
  type CreateInviteRequest,
  type DeleteRequest,
  directMembers,
  type EditHistory,
  type EditRequest,
  type HiddenList,
  type HistoryPage,
  type HistoryQuery,
  type InviteId,
  type InviteList,
  type JoinInviteRequest,
  LIST_TYPING_MAX_MEMBERS,
  type Message,
  type Presence,
  type ReactionList,
  type ReactRequest,
  type SendAck,
  type SendRequest,
  type ServerFrame,
  type Seq,
  type SetRoleRequest,
  type TicketResponse,
  type UpdateGroupRequest,
  type UserId,
  type VerifiedMedia,
  Watermark,
} from "@edge-chat/protocol";
import { type Config, loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import { type EdgeMetrics, edgeMetrics } from "../metrics/recorder.ts";
import { SendAckProbe } from "../metrics/send-ack.ts";
import { flushRegionOutbox, regionOutboxDueAt } from "../region-outbox/flusher.ts";
import { REGION_OUTBOX_BACKSTOP_MS, OutboxPump } from "../region-outbox/pump.ts";
import { storedRouting } from "../region/router-state.ts";
import { type SocketIdentity, SocketObject } from "../sockets/socket-object.ts";
import type { ConversationView } from "../inbox/domain/snapshot.ts";
import { InboxNotifier } from "./inbox-notifier.ts";
import { LiveBatcher } from "./live-batcher.ts";
import { ReceiptBatcher } from "./receipt-batcher.ts";
import type { Caller, ConversationRpc, Written } from "./rpc.ts";
import { answerOf, type RpcAnswer } from "../rpc/answer.ts";
import { errorResponse } from "../http/errors.ts";
import { upgradeCaller } from "../http/internal.ts";
import { statusWatermarks } from "./domain/receipts.ts";
import { expiredTypists, nextTypingExpiry } from "./domain/typing.ts";
import { DeviceReceipts } from "./device-receipts.ts";
import type { FrameContext } from "./frame-context.ts";
import { FrameGate } from "./frame-gate.ts";
import { decodeOrReply, handleFrame, replay, stopTyping } from "./frames.ts";
import { completeFromRegion } from "./history-fill.ts";
import { sharedStateFor } from "../shared/index.ts";
import { ConversationService } from "./service.ts";
import { MessageChanges } from "./changes-service.ts";
import { GroupAdmin } from "./group-service.ts";
import { InviteStore } from "./invite-store.ts";
import { GroupInvites } from "./invites-service.ts";
import { type SocketState, Sockets, sendFrame } from "./sockets.ts";
import { ConversationStore } from "./store.ts";

export class ConversationDO
  extends SocketObject<Env, SocketState, ConversationId>
  implements ConversationRpc
{
  private readonly config: Config;
  private readonly store: ConversationStore;
  private readonly service: ConversationService;
  private readonly changes: MessageChanges;
  private readonly sockets: Sockets;
  private readonly inbox: InboxNotifier;
  private readonly receipts: ReceiptBatcher;
  private readonly live: LiveBatcher;
  private readonly group: GroupAdmin;
  private readonly invites: GroupInvites;
  /** Each device's own delivered watermark (for pushes to the devices that lack a message). */
  private readonly deviceReceipts: DeviceReceipts;
  /** The global per-user limit on write frames, in each socket's arrival order. */
  private readonly gate: FrameGate;
  private alarmAt: number | undefined;
  /** Region outbox flushes, one at a time, started when events are due (not by the alarm). */
  private readonly pump: OutboxPump;
  /** Latency points from the outbox paths (region and inbox outbox flushes), sent once per alarm. */
  private readonly metrics: EdgeMetrics;
  /** Send → ack across the storage commit (sampled; see metrics/send-ack.ts). */
  private readonly sendAck: SendAckProbe;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    const store = new ConversationStore(ctx.storage.sql);
    this.store = store;
    const transaction = <T>(fn: () => T): T => {
      try {
        return ctx.storage.transactionSync(fn);
      } catch (error) {
        store.dropCache(); // rolled back: memory must not keep what disk did not
        throw error;
      }
    };
    this.service = new ConversationService(
      store,
      transaction,
      this.config,
      { now: () => Date.now(), uuid: () => crypto.randomUUID() },
      () => this.inbox.changed(),
    );
    this.changes = new MessageChanges({
      service: this.service,
      store: this.store,
      transaction: (fn) => ctx.storage.transactionSync(fn),
      config: this.config,
      clock: { now: () => Date.now(), uuid: () => crypto.randomUUID() },
    });
    this.sockets = new Sockets(ctx);
    this.gate = new FrameGate(
      () => sharedStateFor(this.config).userLimiter,
      () => Date.now(),
    );
    this.metrics = edgeMetrics(env);
    this.pump = new OutboxPump({
      due: () => {
        const due = regionOutboxDueAt({ store: this.store, config: this.config }, Date.now());
        return due !== undefined && due <= Date.now();
      },
      flush: () =>
        flushRegionOutbox(
          {
            store: this.store,
            config: this.config,
            now: () => Date.now(),
            uuid: () => crypto.randomUUID(),
            metrics: this.metrics,
          },
          this.conversationId(),
        ),
      // What is left (a retry time after a failure) goes to the alarm; no new run from here.
      settled: () => this.scheduleAlarm({ startFlush: false }),
    });
    this.sendAck = new SendAckProbe({
      now: () => Date.now(),
      committed: () => ctx.storage.sync(),
      record: (point) => this.metrics.record(point),
    });
    this.inbox = new InboxNotifier({
      inboxOutbox: store.inbox,
      store,
      view: () => this.inboxView(),
      members: () => this.service.inboxMembers(),
      liveUsers: () => this.sockets.liveUsers(),
      now: () => Date.now(),
      record: (point) => this.metrics.record(point),
      deliver: async (update) => {
        const inboxes = this.env.INBOXES;
        // The member's newest mention rides along, so their inbox can push through a mute.
        const mentionSeq = store.changes.mentions.seqOf(update.userId);
        const full = mentionSeq === undefined ? update : { ...update, mentionSeq };
        return inboxes.get(inboxes.idFromName(update.userId)).applyUpdate(full);
      },
      // Folded in with the devices' own delivered frames (one transaction per receipt tick).
      delivered: (userId, upToSeq) => this.receipts.delivered(userId, upToSeq),
    });
    this.live = new LiveBatcher(
      this.sockets,
      () => Date.now(),
      (ms) => this.metrics.record({ stage: "fanout", ms }),
    );
    this.deviceReceipts = new DeviceReceipts(
      ctx.storage.sql,
      (fn) => ctx.storage.transactionSync(fn),
      () => store.lastSeq(),
    );
    this.receipts = new ReceiptBatcher({
      conversationId: () => this.conversationId(),
      apply: (conversationId, upTo) => this.service.deliveredBatch(conversationId, upTo),
      statuses: (changes) => this.sockets.statuses(changes),
      applied: () => this.scheduleAlarm(),
      applyDevices: (upTo) => this.deviceReceipts.record(upTo),
    });
    this.group = new GroupAdmin({
      service: this.service,
      store: this.store,
      transaction: (fn) => ctx.storage.transactionSync(fn),
    });
    this.invites = new GroupInvites({
      service: this.service,
      invites: new InviteStore(ctx.storage.sql),
      transaction,
      clock: { now: () => Date.now(), uuid: () => crypto.randomUUID() },
    });
  }

  /** Only the WebSocket upgrade comes by fetch (the Worker's trusted headers name the caller). */
  override async fetch(request: Request): Promise<Response> {
    if (!SocketObject.isUpgrade(request)) {
      return errorResponse(new ChatError("invalid_request", "expected a WebSocket upgrade"));
    }
    let trusted: ReturnType<typeof upgradeCaller>;
    try {
      trusted = upgradeCaller(request);
    } catch (error) {
      return errorResponse(error);
    }
    if (trusted.location) this.rememberLocation(trusted.location);
    const response = this.upgrade(request, trusted.userId, trusted.conversationId);
    // Admitting the socket may have created a direct chat, which leaves region outbox events.
    this.scheduleAlarm();
    return response;
  }

  private rememberLocation(location: ClientLocation): void {
    storedRouting(this.store.kv).rememberLocation(location);
  }

  /**
   * Every RPC call but the InboxDO's: remembers where the caller is, answers in the one envelope,
   * then sets the alarm once for whatever the call left due (region outbox events, inbox
   * notifications, even those of a direct chat created on first use).
   */
  private call<T>(caller: Caller, fn: () => T | Promise<T>): Promise<RpcAnswer<T>> {
    if (caller.location) this.rememberLocation(caller.location);
    return answerOf(fn).finally(() => this.scheduleAlarm());
  }

  /** A new message goes out through the batcher, so system messages keep their place in order. */
  private broadcast(message: Message): void {
    this.live.add(JSON.stringify(message));
  }

  /** A write's answer; a new message is fanned out, a resend only answers its earlier ack. */
  private written(result: { ack: SendAck; message: Message | null }): Written {
    if (result.message) this.broadcast(result.message);
    return { ack: result.ack, created: result.message !== null };
  }

  // ── RPC (see rpc.ts) ──

  issueTicket(caller: Caller): Promise<RpcAnswer<TicketResponse>> {
    return this.call(caller, () => this.service.issueTicket(caller.conversationId, caller.userId));
  }

  openDirect(caller: Caller): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, () => this.service.conversation(caller.conversationId, caller.userId));
  }

  createGroup(caller: Caller, request: CreateGroupRequest): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, () => {
      const created = this.service.createGroup(caller.conversationId, caller.userId, request);
      this.broadcast(created.message);
      return created.conversation;
    });
  }

  describe(caller: Caller): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, () => this.group.describe(caller.conversationId, caller.userId));
  }

  updateGroup(caller: Caller, request: UpdateGroupRequest): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, () => {
      const { conversation, messages } = this.group.update(
        caller.conversationId,
        caller.userId,
        request,
      );
      for (const message of messages) this.broadcast(message);
      return conversation;
    });
  }

  setRole(
    caller: Caller,
    target: UserId,
    role: SetRoleRequest["role"],
  ): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, () => {
      const changed = this.group.setRole(caller.conversationId, caller.userId, target, role);
      this.broadcast(changed.message);
      return changed.conversation;
    });
  }

  addMember(caller: Caller, request: AddMemberRequest): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, () => {
      const added = this.service.addMember(
        caller.conversationId,
        caller.userId,
        request.userId,
        request.role ?? "member",
      );
      this.broadcast(added.message);
      return added.conversation;
    });
  }

  removeMember(caller: Caller, target: UserId): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, () => {
      const { conversation, message, removed } = this.service.removeMember(
        caller.conversationId,
        caller.userId,
        target,
      );
      // The removed member's devices see the system message, then lose the conversation.
      this.broadcast(message);
      this.live.flush(); // nothing held back in a batch may reach the removed sockets after they close
      this.sockets.closeUser(removed, closeCodeOf("not_found"), "no longer a member");
      return conversation;
    });
  }

  setBlocked(caller: Caller, blocked: boolean): Promise<RpcAnswer<void>> {
    return this.call(caller, () =>
      this.group.setBlocked(caller.conversationId, caller.userId, blocked),
    );
  }

  send(caller: Caller, request: SendRequest): Promise<RpcAnswer<Written>> {
    return this.call(caller, () =>
      this.written(this.service.send(caller.conversationId, caller.userId, request)),
    );
  }

  history(caller: Caller, query: HistoryQuery): Promise<RpcAnswer<HistoryPage>> {
    return this.call(caller, () =>
      completeFromRegion(
        { config: this.config, kv: this.store.kv, now: () => Date.now() },
        caller.conversationId,
        caller.userId,
        query,
        this.service.history(caller.conversationId, caller.userId, query),
      ),
    );
  }

  watermark(caller: Caller, kind: "read" | "delivered", upToSeq: Seq): Promise<RpcAnswer<void>> {
    return this.call(caller, () => {
      this.receipts.flush(); // the sockets' coalesced `delivered` frames first
      this.sockets.statuses(
        this.service.watermark(caller.conversationId, caller.userId, kind, upToSeq),
      );
    });
  }

  hidden(caller: Caller): Promise<RpcAnswer<HiddenList>> {
    return this.call(caller, () => ({
      seqs: this.changes.hidden(caller.conversationId, caller.userId),
    }));
  }

  edit(caller: Caller, seq: Seq, request: EditRequest): Promise<RpcAnswer<Written>> {
    return this.call(caller, () =>
      this.written(this.changes.edit(caller.conversationId, caller.userId, seq, request)),
    );
  }

  remove(caller: Caller, seq: Seq, request: DeleteRequest): Promise<RpcAnswer<Written | null>> {
    return this.call(caller, () => {
      const { conversationId, userId } = caller;
      if (request.scope === "everyone") {
        return this.written(
          this.changes.deleteForEveryone(conversationId, userId, seq, request.clientMsgId),
        );
      }
      const seqs = this.changes.hide(conversationId, userId, [seq]);
      if (seqs.length > 0) {
        for (const ws of this.sockets.ofUser(userId)) sendFrame(ws, { type: "hidden", seqs });
      }
      return null;
    });
  }

  react(caller: Caller, seq: Seq, request: ReactRequest): Promise<RpcAnswer<Written>> {
    return this.call(caller, () =>
      this.written(this.changes.react(caller.conversationId, caller.userId, seq, request)),
    );
  }

  editHistory(caller: Caller, seq: Seq): Promise<RpcAnswer<EditHistory>> {
    return this.call(caller, () =>
      this.changes.editHistory(caller.conversationId, caller.userId, seq),
    );
  }

  reactions(caller: Caller, seq: Seq): Promise<RpcAnswer<ReactionList>> {
    return this.call(caller, () =>
      this.changes.reactionList(caller.conversationId, caller.userId, seq),
    );
  }

  createInvite(caller: Caller, request: CreateInviteRequest): Promise<RpcAnswer<CreatedInvite>> {
    return this.call(caller, async () => {
      const created = await this.invites.create(caller.conversationId, caller.userId, request);
      this.broadcast(created.message);
      return created.invite;
    });
  }

  listInvites(caller: Caller): Promise<RpcAnswer<InviteList>> {
    return this.call(caller, () => ({
      invites: this.invites.list(caller.conversationId, caller.userId),
    }));
  }

  revokeInvite(caller: Caller, inviteId: InviteId): Promise<RpcAnswer<void>> {
    return this.call(caller, () => {
      this.broadcast(this.invites.revoke(caller.conversationId, caller.userId, inviteId));
    });
  }

  joinInvite(caller: Caller, token: JoinInviteRequest["token"]): Promise<RpcAnswer<Conversation>> {
    return this.call(caller, async () => {
      const joined = await this.invites.join(caller.conversationId, caller.userId, token);
      this.broadcast(joined.message);
      return joined.conversation;
    });
  }

  // Media: the DO is the authority on membership, so the Worker asks it before a region signs a
  // URL; an upload spends a token of the member's send bucket, like a message.

  authorizeUpload(caller: Caller): Promise<RpcAnswer<void>> {
    return this.call(caller, () => {
      this.service.access(caller.conversationId, caller.userId);
      this.service.rateLimit(caller.userId);
    });
  }

  authorizeRead(caller: Caller): Promise<RpcAnswer<void>> {
    return this.call(caller, () => {
      this.service.access(caller.conversationId, caller.userId);
    });
  }

  recordVerifiedMedia(caller: Caller, media: VerifiedMedia): Promise<RpcAnswer<void>> {
    return this.call(caller, () => {
      this.service.access(caller.conversationId, caller.userId);
      this.service.recordVerifiedMedia(caller.userId, media);
    });
  }

  async evict(): Promise<void> {
    if (!this.config.chaosEvictRoute) throw new ChatError("not_found", "no such route");
    this.ctx.abort("evicted by the chaos suite"); // test-only, see http/app.ts
  }

  /** The conversation's id: from the Worker's header on requests, from storage otherwise. */
  private conversationId(): ConversationId {
    const meta = this.store.meta();
    if (!meta) throw new ChatError("not_found", "conversation not found");
    return meta.conversationId;
  }

  /**
   * The handlers' context: made once (its closures cost an allocation each, per frame otherwise);
   * only after the conversation exists, since it carries the id.
   */
  private frameContextCache: FrameContext | undefined;
  private frameContext(): FrameContext {
    this.frameContextCache ??= {
      conversationId: this.conversationId(),
      service: this.service,
      changes: this.changes,
      sockets: this.sockets,
      config: this.config,
      receipts: this.receipts,
      live: this.live,
      now: () => Date.now(),
      scheduleAlarm: () => this.scheduleAlarm(),
      typingToInbox: (userId, state) => this.typingToInbox(userId, state),
    };
    return this.frameContextCache;
  }

  /**
   * Typing also reaches the members' inboxes (the list's "typing…"). A direct chat's peer gets one
   * call per typing frame, which the SDK sends at most every few seconds. A small group's typists
   * ride the coalesced inbox update instead (inboxView): a frame only makes the conversation dirty,
   * and each member's inbox hears of a change at most once per tick. Larger groups show typing only
   * in the open chat.
   */
  private typingToInbox(userId: UserId, state: "start" | "stop"): void {
    const conversationId = this.conversationId();
    const peer = directMembers(conversationId)?.find((member) => member !== userId);
    if (!peer) {
      if (this.service.members().length <= LIST_TYPING_MAX_MEMBERS) {
        this.inbox.changed();
        this.scheduleAlarm();
      }
      return;
    }
    const inboxes = this.env.INBOXES;
    this.ctx.waitUntil(
      inboxes
        .get(inboxes.idFromName(peer))
        .peerTyping(peer, { type: "typing", conversationId, userId, state })
        .catch((error: unknown) => console.warn("typing to inbox failed", String(error))),
    );
  }

  /** What the members' inboxes are told: the service's view, with a small group's typists. */
  private inboxView(): ConversationView | null {
    const view = this.service.inboxView();
    if (view?.kind !== "group") return view;
    if (this.service.members().length > LIST_TYPING_MAX_MEMBERS) return view;
    const typists = new Set<UserId>();
    for (const { state } of this.sockets.typing()) {
      if (state.typingUntil !== undefined) typists.add(state.userId);
    }
    return { ...view, typists: [...typists].sort() };
  }

  /** RPC from a member's InboxDO about to push: how far each of the member's devices received. */
  async deliveredByDevice(userId: UserId): Promise<Record<string, number>> {
    this.receipts.flush();
    return this.deviceReceipts.of(userId);
  }

  /** RPC from the block routes: the peer's presence as `viewer` may now see it, to their sockets. */
  async showPresence(viewer: UserId, presence: Presence): Promise<void> {
    const frame: ServerFrame = { type: "presence", ...presence };
    for (const ws of this.sockets.ofUser(viewer)) sendFrame(ws, frame);
  }

  // ── sockets (the upgrade, refusals and close reciprocation are SocketObject's) ──

  protected override consumeTicket(ticket: string): UserId {
    return this.service.consumeTicket(ticket);
  }

  /** A member may connect; `since` (a seq) asks for a replay first, the socket is live after. */
  protected override admit(
    { userId, v }: SocketIdentity,
    url: URL,
    conversationId: ConversationId,
  ): SocketState {
    this.service.access(conversationId, userId);
    let since: number | undefined;
    const sinceRaw = url.searchParams.get("since");
    if (sinceRaw !== null) {
      const parsed = Watermark.safeParse(Number(sinceRaw));
      if (!parsed.success || sinceRaw === "") {
        throw new ChatError("invalid_request", "since must be a seq (0 or more)");
      }
      since = parsed.data;
    }
    // Messages still waiting in the batch belong to the sockets already here (the newcomer's
    // welcome and replay cover them): the last step before the socket is accepted.
    this.live.flush();
    return { userId, v, live: since === undefined, bucket: undefined, typingUntil: undefined };
  }

  protected override tagsOf(state: SocketState): string[] {
    return [state.userId];
  }

  protected override stateOf(ws: WebSocket): SocketState | null {
    return this.sockets.state(ws);
  }

  protected override saveState(ws: WebSocket, state: SocketState): void {
    this.sockets.save(ws, state);
  }

  /** Says welcome and where the member's own messages stand, then replays from `since` if given. */
  protected override onConnect(
    ws: WebSocket,
    state: SocketState,
    url: URL,
    conversationId: ConversationId,
  ): void {
    sendFrame(ws, {
      type: "welcome",
      v: state.v,
      conversationId,
      userId: state.userId,
      lastSeq: this.service.lastSeq(),
    });
    this.sendOwnStatus(ws, state.userId);
    const hidden = this.changes.hidden(conversationId, state.userId);
    if (hidden.length > 0) sendFrame(ws, { type: "hidden", seqs: hidden });
    // Same turn as the accept: no message can slip between the replay and going live.
    if (!state.live) {
      const since = Number(url.searchParams.get("since"));
      replay(this.frameContext(), ws, state, since, undefined, undefined);
    }
  }

  /** On connect, where the member's own messages stand (delivered/read by the others). */
  private sendOwnStatus(ws: WebSocket, userId: UserId): void {
    this.receipts.flush();
    const receipts = this.service.receipts();
    if (receipts.length < 2) return;
    const { delivered, read } = statusWatermarks(receipts).get(userId) ?? { delivered: 0, read: 0 };
    if (delivered > 0) sendFrame(ws, { type: "status", status: "delivered", upToSeq: delivered });
    if (read > 0) sendFrame(ws, { type: "status", status: "read", upToSeq: read });
  }

  protected override onFrame(
    ws: WebSocket,
    state: SocketState,
    data: string | ArrayBuffer,
  ): void | Promise<void> {
    const arrivedAt = Date.now(); // the clock when this event began
    const frame = decodeOrReply(ws, data);
    if (!frame) return;
    return this.gate.admit(ws, state.userId, frame, () => {
      // Read again: a frame queued behind others runs with the state they left.
      const current = this.sockets.state(ws);
      if (current) handleFrame(this.frameContext(), ws, current, frame);
      if (frame.type === "send") this.sendAck.acked(arrivedAt);
    });
  }

  protected override onClose(ws: WebSocket, state: SocketState | null): void {
    // A typist that vanishes still owes the others a "stop".
    if (state?.typingUntil !== undefined) stopTyping(this.frameContext(), ws, state);
    this.sockets.removed(ws);
    this.gate.forget(ws);
    // A member who stops watching gets their inbox brought up to date at the next tick.
    if (state?.live) {
      this.inbox.changed();
      this.scheduleAlarm();
    }
  }

  protected override async onAlarm(): Promise<void> {
    this.alarmAt = undefined;
    const now = Date.now();
    if (this.store.meta()) {
      const ctx = this.frameContext();
      const entries = this.sockets.typing();
      for (const userId of expiredTypists(
        entries.map((e) => ({ userId: e.state.userId, typingUntil: e.state.typingUntil })),
        now,
      )) {
        for (const e of entries) {
          if (e.state.userId === userId && e.state.typingUntil !== undefined) {
            stopTyping(ctx, e.ws, e.state);
          }
        }
      }
      // The members' inboxes and the regions are flushed side by side, each on its own retry
      // state, so neither waits behind the other's network calls.
      const inboxDue = this.inbox.dueAt(now);
      const due = regionOutboxDueAt({ store: this.store, config: this.config }, now);
      await Promise.all([
        inboxDue !== undefined && inboxDue <= now ? this.inbox.tick() : undefined,
        // Joins the pump's run if one is in flight (one flush at a time), for one flush only.
        due !== undefined && due <= now ? this.pump.round() : undefined,
      ]);
      await this.metrics.flush();
    }
    this.scheduleAlarm();
  }

  /**
   * One alarm serves typing expiry, the region outbox and the inbox outbox: whichever is first.
   * Region outbox events due now start the pump instead, and the alarm only backs it up
   * (REGION_OUTBOX_BACKSTOP_MS).
   */
  private scheduleAlarm({ startFlush = true } = {}): void {
    const now = Date.now();
    const typing = nextTypingExpiry(
      this.sockets
        .typing()
        .map((e) => ({ userId: e.state.userId, typingUntil: e.state.typingUntil })),
    );
    let regionOutbox = regionOutboxDueAt({ store: this.store, config: this.config }, now);
    if (startFlush && regionOutbox !== undefined && regionOutbox <= now && this.store.meta()) {
      void this.pump.run();
      regionOutbox = now + REGION_OUTBOX_BACKSTOP_MS;
    }
    const inbox = this.inbox.dueAt(now);
    const candidates = [typing, regionOutbox, inbox].filter((t): t is number => t !== undefined);
    if (candidates.length === 0) return;
    const next = Math.max(now, Math.min(...candidates));
    if (this.alarmAt !== undefined && this.alarmAt <= next) return;
    this.alarmAt = next;
    void this.ctx.storage.setAlarm(next);
  }
}
