// InboxDO: one per user (idFromName(userId)). Holds the user's device sockets (Hibernation API,
// state in attachments), the conversation list with unread counts, presence and last-seen, and
// decides when a push is due. Thin on purpose: platform methods and RPC entry points hand each
// event to InboxService and then apply its effects (frames to sockets, pushes, peers' presence).
import {
  ChatError,
  type ConversationId,
  type InboxEntry,
  decodeInboxClientFrame,
  type InboxServerFrame,
  type InboxTypingFrame,
  InboxUpdate,
  type InboxUpdateAck,
  parseWith,
  type Presence,
  type PushNotification,
  type TicketResponse,
  toErrorBody,
  type UserId,
} from "@edge-chat/protocol";
import { type Config, loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import { errorResponse } from "../http/errors.ts";
import { USER_HEADER } from "../http/internal.ts";
import { PushOutbox } from "./push-outbox.ts";
import { devicesToSkip } from "./push-skip.ts";
import { type PushSender, pushSenderFor } from "./push-sender.ts";
import type { InboxRpc } from "./rpc.ts";
import { InboxService } from "./service.ts";
import { InboxStore } from "./store.ts";
import { sharedStateFor } from "../shared/index.ts";
import { blockedPresence } from "../presence/ports.ts";
import { sendWithinBudget } from "../sockets/send-budget.ts";
import { type SocketIdentity, SocketObject } from "../sockets/socket-object.ts";

/** A device socket's attachment: who, and the negotiated protocol version. */
type DeviceState = SocketIdentity;

const OPEN = 1;

function send(ws: WebSocket, frame: InboxServerFrame): void {
  try {
    // Bounded like a conversation's sockets: a device that stopped reading is cut, then resyncs.
    sendWithinBudget(ws, JSON.stringify(frame));
  } catch {
    // Closing; the close handler cleans up.
  }
}

export class InboxDO extends SocketObject<Env, DeviceState> implements InboxRpc {
  private readonly config: Config;
  private readonly service: InboxService;
  private readonly pushOutbox: PushOutbox;
  private readonly pushSender: PushSender;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = loadConfig(env);
    this.pushOutbox = new PushOutbox(ctx.storage.sql);
    this.service = new InboxService(
      new InboxStore(ctx.storage.sql),
      this.pushOutbox,
      (fn) => ctx.storage.transactionSync(fn),
      this.config,
      () => Date.now(),
    );
    const sender = pushSenderFor(this.config, () => Date.now());
    // Each attempt names the devices to skip as they are now: one that connected, or received the
    // message, while the push waited in the push outbox needs no push.
    this.pushSender = {
      send: async (notification, pushId) =>
        sender.send({ ...notification, skipDeviceIds: await this.skips(notification) }, pushId),
    };
  }

  /**
   * Devices with a live presence heartbeat (any socket) and devices whose own delivered watermark
   * (in the ConversationDO) covers the push. Both are advisory: if either cannot be read, the push
   * goes to more devices rather than to fewer.
   */
  private async skips(notification: PushNotification): Promise<string[]> {
    const presence = sharedStateFor(this.config).presence;
    const conversations = this.env.CONVERSATIONS;
    const [connected, delivered] = await Promise.all([
      presence.onlineDevices(notification.userId, Date.now()).catch(() => []),
      conversations
        .get(conversations.idFromName(notification.conversationId))
        .deliveredByDevice(notification.userId)
        .catch((): Record<string, number> => ({})),
    ]);
    return devicesToSkip(connected, delivered, notification);
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
  async applyUpdate(raw: InboxUpdate): Promise<InboxUpdateAck> {
    const { typing, ...update } = parseWith(InboxUpdate, raw);
    const { change, deliveredUpTo } = this.service.apply(update, this.devices().length > 0);
    if (typing && update.member) this.groupTyping(update.conversationId, typing);
    if (change?.kind === "update") this.broadcast({ type: "inbox_update", entry: change.entry });
    if (change?.kind === "removed") {
      this.broadcast({ type: "inbox_removed", conversationId: change.conversationId });
    }
    // A decided push is in the push outbox, due at once: the alarm sends it.
    await this.scheduleAlarm();
    return { deliveredUpTo };
  }

  /**
   * A small group's typists, as its ConversationDO last saw them: a frame per typist who started
   * (again: devices expire a typist who is not refreshed) and per one who stopped. Memory only; a
   * start lost with an eviction is covered by the next resend, a stop by the devices' expiry.
   */
  private readonly typists = new Map<ConversationId, ReadonlySet<UserId>>();
  private groupTyping(conversationId: ConversationId, typing: UserId[]): void {
    const before = this.typists.get(conversationId) ?? new Set<UserId>();
    const now = new Set(typing);
    if (now.size > 0) this.typists.set(conversationId, now);
    else this.typists.delete(conversationId);
    for (const userId of now)
      this.broadcast({ type: "typing", conversationId, userId, state: "start" });
    for (const userId of before) {
      if (!now.has(userId)) {
        this.broadcast({ type: "typing", conversationId, userId, state: "stop" });
      }
    }
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

  /** A direct-chat peer typing there: tell this user's devices (if they are still peers). */
  async peerTyping(owner: UserId, frame: InboxTypingFrame): Promise<void> {
    if (frame.userId === owner) return;
    const shared = this.service.presenceFor(owner, frame.userId, false);
    if (shared) this.broadcast(frame);
  }

  /** How many pushes this inbox has decided to send (for operators and tests). */
  async pushesDecided(): Promise<number> {
    return this.service.pushesDecided();
  }

  /** Decided pushes still waiting in the push outbox for the push sender to confirm them. */
  async pushesPending(): Promise<number> {
    return this.service.pushesPending();
  }

  // ── device sockets ──

  override async fetch(request: Request): Promise<Response> {
    if (!SocketObject.isUpgrade(request)) {
      return errorResponse(new ChatError("invalid_request", "expected a WebSocket upgrade"));
    }
    return this.upgrade(request, request.headers.get(USER_HEADER) ?? undefined, undefined);
  }

  protected override consumeTicket(ticket: string): UserId | null {
    return this.service.consumeTicket(ticket);
  }

  /** Any device of the owner may connect (the Worker sent it to the owner's inbox). */
  protected override admit(identity: SocketIdentity): DeviceState {
    return identity;
  }

  protected override onConnect(ws: WebSocket, state: DeviceState): void {
    send(ws, {
      type: "inbox_welcome",
      v: state.v,
      userId: state.userId,
      conversations: this.service.list(state.userId),
    });
    if (this.devices(ws).length === 0) this.announce(state.userId, true);
  }

  protected override onFrame(ws: WebSocket, _state: DeviceState, data: string | ArrayBuffer): void {
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

  protected override onClose(ws: WebSocket, state: DeviceState | null): void {
    if (state && this.devices(ws).length === 0) {
      this.service.wentOffline();
      this.announce(state.userId, false);
    }
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

  protected override async onAlarm(): Promise<void> {
    // Collapse windows that ended queue their pushes; then the push outbox sends what is due.
    this.service.duePushes(this.devices().length > 0);
    await this.pushOutbox.flush(this.pushSender, () => Date.now());
    await this.scheduleAlarm();
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.service.nextPushDue();
    if (next === undefined) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }
}
