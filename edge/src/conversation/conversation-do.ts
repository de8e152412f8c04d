// ConversationDO: one per conversation (idFromName(conversationId)). Thin on purpose: each platform
// event (fetch, webSocketMessage, webSocketClose, alarm) is handed to the service and frame handlers,
// which decide; this class only owns the platform objects.
import {
  ChatError,
  closeCodeOf,
  type ConversationId,
  negotiateVersion,
  PROTOCOL_VERSION,
  type ServerFrame,
  toErrorBody,
  type UserId,
  Watermark,
} from "@edge-chat/protocol";
import { DurableObject } from "cloudflare:workers";
import { type Config, loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import { type EdgeMetrics, edgeMetrics } from "../metrics/recorder.ts";
import { fetchRegionHistory } from "../region/history.ts";
import { flushOutbox, outboxDueAt, rememberLocation } from "../outbox/flusher.ts";
import { InboxNotifier } from "./inbox-notifier.ts";
import { LiveBatcher } from "./live-batcher.ts";
import { ReceiptBatcher } from "./receipt-batcher.ts";
import { expiredTypists, nextTypingExpiry } from "./domain/typing.ts";
import { type FrameContext, handleMessage, replay, stopTyping } from "./frames.ts";
import { createInternalApp } from "./internal-app.ts";
import { ConversationService } from "./service.ts";
import { MessageChanges } from "./changes-service.ts";
import { GroupAdmin } from "./group-service.ts";
import { type SocketState, Sockets, sendFrame } from "./sockets.ts";
import { ConversationStore } from "./store.ts";

export class ConversationDO extends DurableObject<Env> {
  private readonly config: Config;
  private readonly store: ConversationStore;
  private readonly service: ConversationService;
  private readonly changes: MessageChanges;
  private readonly sockets: Sockets;
  private readonly inbox: InboxNotifier;
  private readonly receipts: ReceiptBatcher;
  private readonly live: LiveBatcher;
  private readonly app: ReturnType<typeof createInternalApp>;
  private alarmAt: number | undefined;
  /** Latency points from the alarm path only (outbox and inbox flushing), sent once per alarm. */
  private readonly metrics: EdgeMetrics;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    const store = new ConversationStore(ctx.storage.sql);
    this.store = store;
    this.service = new ConversationService(
      store,
      (fn) => {
        try {
          return ctx.storage.transactionSync(fn);
        } catch (error) {
          store.dropCache(); // rolled back: memory must not keep what disk did not
          throw error;
        }
      },
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
    this.metrics = edgeMetrics(env);
    this.inbox = new InboxNotifier({
      outbox: store.inbox,
      store,
      view: () => this.service.inboxView(),
      members: () => this.service.inboxMembers(),
      liveUsers: () => this.sockets.liveUsers(),
      now: () => Date.now(),
      deliver: async (update) => {
        const inboxes = this.env.INBOXES;
        await inboxes.get(inboxes.idFromName(update.userId)).applyUpdate(update);
      },
    });
    this.live = new LiveBatcher(this.sockets, () => Date.now());
    this.receipts = new ReceiptBatcher({
      conversationId: () => this.conversationId(),
      apply: (conversationId, upTo) => this.service.deliveredBatch(conversationId, upTo),
      statuses: (changes) => this.sockets.statuses(changes),
      applied: () => this.scheduleAlarm(),
    });
    this.app = createInternalApp({
      service: this.service,
      changes: this.changes,
      group: new GroupAdmin({
        service: this.service,
        store: this.store,
        transaction: (fn) => ctx.storage.transactionSync(fn),
      }),
      sockets: this.sockets,
      live: this.live,
      upgrade: (request, conversationId, userId) => this.upgrade(request, conversationId, userId),
      scheduleAlarm: () => this.scheduleAlarm(),
      flushReceipts: () => this.receipts.flush(),
      rememberLocation: (location) => rememberLocation(this.store, location),
      regionHistory: (conversationId, request) =>
        fetchRegionHistory(
          { config: this.config, store: this.store, now: () => Date.now() },
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

  private frameContext(): FrameContext {
    return {
      conversationId: this.conversationId(),
      service: this.service,
      changes: this.changes,
      sockets: this.sockets,
      config: this.config,
      receipts: this.receipts,
      live: this.live,
      now: () => Date.now(),
      scheduleAlarm: () => this.scheduleAlarm(),
    };
  }

  /** Accepts a member's socket (hibernatable), says welcome, and replays from `since` if given. */
  private upgrade(
    request: Request,
    conversationId: ConversationId,
    headerUser: UserId | undefined,
  ): Response {
    const url = new URL(request.url);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    let state: SocketState;
    let since: number | undefined;
    try {
      const ticket = url.searchParams.get("ticket");
      const userId = headerUser ?? (ticket ? this.service.consumeTicket(ticket) : undefined);
      if (!userId) throw new ChatError("unauthenticated", "missing credentials");
      this.service.access(conversationId, userId);
      const v = negotiateVersion(Number(url.searchParams.get("v") ?? PROTOCOL_VERSION));
      if (v === null || !Number.isInteger(v)) {
        throw new ChatError("unsupported_version", `this server speaks up to v${PROTOCOL_VERSION}`);
      }
      const sinceRaw = url.searchParams.get("since");
      if (sinceRaw !== null) {
        const parsed = Watermark.safeParse(Number(sinceRaw));
        if (!parsed.success || sinceRaw === "") {
          throw new ChatError("invalid_request", "since must be a seq (0 or more)");
        }
        since = parsed.data;
      }
      state = { userId, v, live: since === undefined, bucket: undefined, typingUntil: undefined };
    } catch (error) {
      // Refusals still complete the upgrade so a browser can read why: one error frame, then close.
      server.accept();
      const body = toErrorBody(error);
      server.send(JSON.stringify({ type: "error", ...body } satisfies ServerFrame));
      server.close(closeCodeOf(body.code), body.message.slice(0, 120));
      return new Response(null, { status: 101, webSocket: client });
    }

    // Messages still waiting in the batch belong to the sockets already here (the newcomer's
    // welcome and replay cover them).
    this.live.flush();
    this.ctx.acceptWebSocket(server, [state.userId]);
    this.sockets.save(server, state);
    sendFrame(server, {
      type: "welcome",
      v: state.v,
      conversationId,
      userId: state.userId,
      lastSeq: this.service.lastSeq(),
    });
    this.sendOwnStatus(server, state.userId);
    const hidden = this.changes.hidden(conversationId, state.userId);
    if (hidden.length > 0) sendFrame(server, { type: "hidden", seqs: hidden });
    // Same turn as the accept: no message can slip between the replay and going live.
    if (since !== undefined)
      replay(this.frameContext(), server, state, since, undefined, undefined);
    return new Response(null, { status: 101, webSocket: client });
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

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    const state = this.sockets.state(ws);
    if (!state) return;
    handleMessage(this.frameContext(), ws, state, data);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    const state = this.sockets.state(ws);
    // A typist that vanishes still owes the others a "stop".
    if (state?.typingUntil !== undefined) stopTyping(this.frameContext(), ws, state);
    this.sockets.removed(ws);
    // A member who stops watching gets their inbox brought up to date at the next tick.
    if (state?.live) {
      this.inbox.changed();
      this.scheduleAlarm();
    }
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.webSocketClose(ws, 1011);
  }

  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    const now = Date.now();
    if (this.store.meta()) {
      const ctx = this.frameContext();
      const entries = this.sockets.all();
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
      this.sockets.all().map((e) => ({ userId: e.state.userId, typingUntil: e.state.typingUntil })),
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
