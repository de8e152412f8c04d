// InboxDO: one per user (idFromName(userId)). Holds the user's device sockets (Hibernation API,
// state in attachments), the conversation list with unread counts, presence and last-seen, and
// decides when a push is due. Thin on purpose: platform methods and RPC entry points hand each event
// to InboxService and then apply its effects (frames to sockets, pushes, peers' presence).
import {
  ChatError,
  closeCodeOf,
  type InboxEntry,
  decodeInboxClientFrame,
  type InboxServerFrame,
  InboxUpdate,
  negotiateVersion,
  parseWith,
  type Presence,
  PROTOCOL_VERSION,
  type TicketResponse,
  toErrorBody,
  type UserId,
} from "@edge-chat/protocol";
import { DurableObject } from "cloudflare:workers";
import { type Config, loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import { errorResponse } from "../http/errors.ts";
import { USER_HEADER } from "../http/internal.ts";
import { type PushSender, pushSenderFor } from "./push-sender.ts";
import { InboxService } from "./service.ts";
import { InboxStore } from "./store.ts";
import { sharedStateFor } from "../shared/index.ts";
import { blockedPresence } from "../presence/ports.ts";

interface DeviceState {
  userId: UserId;
  v: number;
}

const OPEN = 1;

function send(ws: WebSocket, frame: InboxServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // Closing; the close handler cleans up.
  }
}

export class InboxDO extends DurableObject<Env> {
  private readonly config: Config;
  private readonly service: InboxService;
  private readonly pushSender: PushSender;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    this.service = new InboxService(
      new InboxStore(ctx.storage.sql),
      (fn) => ctx.storage.transactionSync(fn),
      this.config,
      () => Date.now(),
    );
    // The push hook: devices with a live presence heartbeat (any socket) get no push.
    const presence = sharedStateFor(this.config).presence;
    this.pushSender = pushSenderFor(
      this.config,
      () => Date.now(),
      (userId) => presence.onlineDevices(userId, Date.now()),
    );
  }

  /** Connected device sockets, leaving out one that is closing. */
  private devices(except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets().filter((ws) => ws !== except && ws.readyState === OPEN);
  }

  private broadcast(frame: InboxServerFrame): void {
    for (const ws of this.devices()) send(ws, frame);
  }

  // ── RPC from the Worker and other Durable Objects ──

  /** From a ConversationDO: one member's view of one conversation ("set to at least"). */
  async applyUpdate(raw: InboxUpdate): Promise<void> {
    const update = parseWith(InboxUpdate, raw);
    const { change, push } = this.service.apply(update, this.devices().length > 0);
    if (change?.kind === "update") this.broadcast({ type: "inbox_update", entry: change.entry });
    if (change?.kind === "removed") {
      this.broadcast({ type: "inbox_removed", conversationId: change.conversationId });
    }
    if (push) this.ctx.waitUntil(this.deliver([push]));
    await this.scheduleAlarm();
  }

  async list(userId: UserId): Promise<InboxEntry[]> {
    return this.service.list(userId);
  }

  async issueTicket(userId: UserId): Promise<TicketResponse> {
    return this.service.issueTicket(userId);
  }

  /** The owner's presence for `viewer`; null (→ 404) unless they share a direct conversation. */
  async presenceFor(owner: UserId, viewer: UserId): Promise<Presence | null> {
    const presence = this.service.presenceFor(owner, viewer, this.devices().length > 0);
    if (!presence) return null;
    // A block either way hides presence and last seen (shown like a hidden user, not a 404).
    const blocked = await this.presenceStore().blockedAmong(owner, [viewer]);
    return blocked.size > 0 ? blockedPresence(owner) : presence;
  }

  private presenceStore() {
    return sharedStateFor(this.config).presence;
  }

  /** A direct-chat peer's presence changed: tell this user's devices (if they are still peers). */
  async peerPresence(owner: UserId, presence: Presence): Promise<void> {
    if (presence.userId === owner) return;
    const shared = this.service.presenceFor(owner, presence.userId, false);
    if (shared) this.broadcast({ type: "presence", ...presence });
  }

  /** How many pushes this inbox has decided to send (for operators and tests). */
  async pushesDecided(): Promise<number> {
    return this.service.pushesDecided();
  }

  // ── device sockets ──

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return errorResponse(new ChatError("invalid_request", "expected a WebSocket upgrade"));
    }
    const url = new URL(request.url);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    let state: DeviceState;
    try {
      const ticket = url.searchParams.get("ticket");
      const headerUser = request.headers.get(USER_HEADER) ?? undefined;
      const userId = headerUser ?? (ticket ? this.service.consumeTicket(ticket) : null);
      if (!userId) throw new ChatError("unauthenticated", "invalid, expired or used ticket");
      const v = negotiateVersion(Number(url.searchParams.get("v") ?? PROTOCOL_VERSION));
      if (v === null || !Number.isInteger(v)) {
        throw new ChatError("unsupported_version", `this server speaks up to v${PROTOCOL_VERSION}`);
      }
      state = { userId, v };
    } catch (error) {
      // As on conversation sockets: complete the upgrade, say why, close.
      server.accept();
      const body = toErrorBody(error);
      send(server, { type: "error", ...body });
      server.close(closeCodeOf(body.code), body.message.slice(0, 120));
      return new Response(null, { status: 101, webSocket: client });
    }
    const wasOnline = this.devices().length > 0;
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(state);
    send(server, {
      type: "inbox_welcome",
      v: state.v,
      userId: state.userId,
      conversations: this.service.list(state.userId),
    });
    if (!wasOnline) this.announce(state.userId, true);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    try {
      const frame = decodeInboxClientFrame(data);
      const pong: InboxServerFrame = { type: "pong", serverTs: Date.now() };
      if (frame.reqId !== undefined) pong.reqId = frame.reqId;
      send(ws, pong);
    } catch (error) {
      if (!(error instanceof ChatError)) console.error("inbox frame failed", error);
      send(ws, { type: "error", ...toErrorBody(error) });
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
    const state = ws.deserializeAttachment() as DeviceState | null;
    if (state && this.devices(ws).length === 0) {
      this.service.wentOffline();
      this.announce(state.userId, false);
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.webSocketClose(ws, 1011);
  }

  /** Best effort: tell the user's direct-chat peers (their InboxDOs) that presence changed. */
  private announce(owner: UserId, online: boolean): void {
    const presence = this.service.presence(owner, online);
    const inboxes = this.env.INBOXES;
    const peers = this.service.directPeers(owner);
    const fanOut = async () => {
      // Peers on either side of a block see the owner as hidden (one pipelined read for all).
      const blocked = await this.presenceStore().blockedAmong(owner, peers);
      const results = await Promise.allSettled(
        peers.map(async (peer) => {
          const shown = blocked.has(peer) ? blockedPresence(owner) : presence;
          await inboxes.get(inboxes.idFromName(peer)).peerPresence(peer, shown);
        }),
      );
      for (const r of results) {
        if (r.status === "rejected") console.warn("presence fan-out failed", String(r.reason));
      }
    };
    this.ctx.waitUntil(
      fanOut().catch((error) => console.warn("presence fan-out failed", String(error))),
    );
  }

  // ── pushes ──

  private async deliver(pushes: Awaited<ReturnType<InboxService["duePushes"]>>): Promise<void> {
    for (const push of pushes) {
      try {
        await this.pushSender.send(push);
      } catch (error) {
        // Best effort: a lost push is not a lost message (the inbox still counts it as unread).
        console.warn("push delivery failed", String(error));
      }
    }
  }

  override async alarm(): Promise<void> {
    const due = this.service.duePushes(this.devices().length > 0);
    await this.deliver(due);
    await this.scheduleAlarm();
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.service.nextPushDue();
    if (next === undefined) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }
}
