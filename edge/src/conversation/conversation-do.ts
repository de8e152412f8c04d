// ConversationDO: one per conversation (idFromName(conversationId)). Thin on purpose: SocketObject
// owns the platform's socket methods, and each event (a request, a frame, a close, the alarm) is
// handed to the service and frame handlers, which decide; this class only wires them.
import {
  ChatError,
  type ConversationId,
  directMembers,
  LIST_TYPING_MAX_MEMBERS,
  type UserId,
  Watermark,
} from "@edge-chat/protocol";
import { type Config, loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import { type EdgeMetrics, edgeMetrics } from "../metrics/recorder.ts";
import { SendAckProbe } from "../metrics/send-ack.ts";
import { fetchRegionHistory } from "../region/history.ts";
import { flushOutbox, outboxDueAt } from "../outbox/flusher.ts";
import { storedRouting } from "../region/router-state.ts";
import { type SocketIdentity, SocketObject } from "../sockets/socket-object.ts";
import type { ConversationView } from "../inbox/domain/snapshot.ts";
import { InboxNotifier } from "./inbox-notifier.ts";
import { LiveBatcher } from "./live-batcher.ts";
import { ReceiptBatcher } from "./receipt-batcher.ts";
import type { ConversationRpc } from "./rpc.ts";
import { expiredTypists, nextTypingExpiry } from "./domain/typing.ts";
import { DeviceReceipts } from "./device-receipts.ts";
import type { FrameContext } from "./frame-context.ts";
import { FrameGate } from "./frame-gate.ts";
import { decodeOrReply, handleFrame, replay, stopTyping } from "./frames.ts";
import { createInternalApp } from "./internal-app.ts";
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
  private readonly app: ReturnType<typeof createInternalApp>;
  /** Each device's own delivered watermark (for pushes to the devices that lack a message). */
  private readonly deviceReceipts: DeviceReceipts;
  /** The global per-user limit on write frames, in each socket's arrival order. */
  private readonly gate: FrameGate;
  private alarmAt: number | undefined;
  /** Latency points from the alarm path only (outbox and inbox flushing), sent once per alarm. */
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
    this.sendAck = new SendAckProbe({
      now: () => Date.now(),
      committed: () => ctx.storage.sync(),
      record: (point) => this.metrics.record(point),
    });
    this.inbox = new InboxNotifier({
      outbox: store.inbox,
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
    this.app = createInternalApp({
      service: this.service,
      changes: this.changes,
      group: new GroupAdmin({
        service: this.service,
        store: this.store,
        transaction: (fn) => ctx.storage.transactionSync(fn),
      }),
      invites: new GroupInvites({
        service: this.service,
        invites: new InviteStore(ctx.storage.sql),
        transaction,
        clock: { now: () => Date.now(), uuid: () => crypto.randomUUID() },
      }),
      sockets: this.sockets,
      live: this.live,
      upgrade: (request, conversationId, userId) => this.upgrade(request, userId, conversationId),
      scheduleAlarm: () => this.scheduleAlarm(),
      flushReceipts: () => this.receipts.flush(),
      rememberLocation: (location) => storedRouting(this.store.kv).rememberLocation(location),
      regionHistory: (conversationId, request) =>
        fetchRegionHistory(
          { config: this.config, kv: this.store.kv, now: () => Date.now() },
          conversationId,
          request,
        ),
    });
  }

  override async fetch(request: Request): Promise<Response> {
    if (this.config.chaosEvictRoute && new URL(request.url).pathname === "/internal/__evict") {
      this.ctx.abort("evicted by the chaos suite"); // test-only, see http/app.ts
    }
    const response = await this.app.fetch(request);
    // Any request may have queued inbox notifications (even a lazily created direct chat).
    this.scheduleAlarm();
    return response;
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
    const others = receipts.filter((r) => r.userId !== userId);
    const delivered = Math.min(...others.map((r) => r.deliveredUpTo));
    const read = Math.min(...others.map((r) => r.readUpTo));
    if (delivered > 0) sendFrame(ws, { type: "status", status: "delivered", upToSeq: delivered });
    if (read > 0) sendFrame(ws, { type: "status", status: "read", upToSeq: read });
  }

  protected override async onFrame(
    ws: WebSocket,
    state: SocketState,
    data: string | ArrayBuffer,
  ): Promise<void> {
    const arrivedAt = Date.now(); // the clock when this event began
    const frame = decodeOrReply(ws, data);
    if (!frame) return;
    await this.gate.admit(ws, state.userId, frame, () => {
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
      const due = outboxDueAt({ store: this.store, config: this.config }, now);
      await Promise.all([
        inboxDue !== undefined && inboxDue <= now ? this.inbox.tick() : undefined,
        due !== undefined && due <= now
          ? flushOutbox(
              {
                store: this.store,
                config: this.config,
                now: () => Date.now(),
                uuid: () => crypto.randomUUID(),
                metrics: this.metrics,
              },
              ctx.conversationId,
            )
          : undefined,
      ]);
      await this.metrics.flush();
    }
    this.scheduleAlarm();
  }

  /** One alarm serves typing expiry and both outboxes: set it to whichever comes first. */
  private scheduleAlarm(): void {
    const now = Date.now();
    const typing = nextTypingExpiry(
      this.sockets
        .typing()
        .map((e) => ({ userId: e.state.userId, typingUntil: e.state.typingUntil })),
    );
    const outbox = outboxDueAt({ store: this.store, config: this.config }, now);
    const inbox = this.inbox.dueAt(now);
    const candidates = [typing, outbox, inbox].filter((t): t is number => t !== undefined);
    if (candidates.length === 0) return;
    const next = Math.max(now, Math.min(...candidates));
    if (this.alarmAt !== undefined && this.alarmAt <= next) return;
    this.alarmAt = next;
    void this.ctx.storage.setAlarm(next);
  }
}
