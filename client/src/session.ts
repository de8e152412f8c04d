// One open conversation: a WebSocket that reconnects by itself (fresh ticket each time, jittered
// backoff, stop on fatal close codes), replays what was missed from the last seq seen (replay.ts:
// sync batches, and HTTP history for what is older than the edge keeps), and hands the app every
// message exactly once, in seq order, with no gap. Sends go through the offline queue, so they survive
// disconnects.
import {
  type ClientFrameOf,
  ChatError,
  type ClientFrame,
  ClientMsgId,
  type ConversationId,
  decodeServerFrame,
  encodeFrame,
  LIMITS,
  type Message,
  parseWith,
  type Presence,
  type RequestId,
  type SendAck,
  type Seq,
  type ServerFrame,
  type ServerFrameOf,
  UserContent,
  type UserId,
  type Watermark,
} from "@edge-chat/protocol";
import type { BackoffOptions } from "./backoff.ts";
import {
  type ConnectionState,
  ReconnectingSocket,
  type StateChange,
  toChatError,
} from "./connection.ts";
import { Emitter } from "./emitter.ts";
import type { HttpApi } from "./http-api.ts";
import { newClientMsgId, newRequestId } from "./ids.ts";
import { OfflineQueue } from "./offline-queue.ts";
import { Replay } from "./replay.ts";
import { PendingRequests } from "./requests.ts";
import { SendRetries } from "./send-retries.ts";
import { conversationSocketUrl, type WebSocketConstructor } from "./socket.ts";
import type { OfflineQueueStore, PendingMessage } from "./storage.ts";
import { LocalTyping, RemoteTypists, type TypingChange } from "./typing.ts";

export type SessionState = ConnectionState;

export type InfoResult = ServerFrameOf<"info_result">;
export type Pong = ServerFrameOf<"pong">;

export interface SessionEvents {
  /** A message, each seq exactly once and in order. */
  message: Message;
  /** One of my messages is durable at the edge ("sent"). */
  ack: SendAck;
  /** My messages up to `upToSeq` were delivered to / read by the other side. */
  status: { status: "delivered" | "read"; upToSeq: Watermark };
  typing: TypingChange;
  error: ChatError;
  state: StateChange;
  /** Seqs I deleted for myself (on any of my devices); sent again in full on every connect. */
  hidden: Seq[];
  /** A direct chat's peer as I may now see them, at the moment either of us blocks or unblocks. */
  presence: Presence;
}

export interface SessionOptions {
  /** The last seq the app already has; replay starts after it. Default 0: the whole conversation. */
  lastSeq?: Watermark;
  /** Tell the server "delivered" for every message received. Default true. */
  autoDelivered?: boolean;
  /**
   * This device's id (the one it registers and sends presence heartbeats with). Delivered frames
   * carry it, so a later push skips this device for the messages it already received.
   */
  deviceId?: string;
  backoff?: BackoffOptions;
  /** Ping interval that detects dead connections; 0 disables. Default 25 s. */
  heartbeatMs?: number;
  /** How long info/ping requests wait for their reply. Default 15 s. */
  requestTimeoutMs?: number;
  typingExpiryMs?: number;
  typingRefreshMs?: number;
}

export interface SendOptions {
  replyToSeq?: Seq;
  /**
   * The message's idempotency key; made for you when absent. Pass one (newClientMsgId()) to show
   * the message before its ack and recognise it when it comes back with its seq.
   */
  clientMsgId?: ClientMsgId;
}

export interface SessionDeps {
  conversationId: ConversationId;
  api: HttpApi;
  WebSocketImpl: WebSocketConstructor;
  store: OfflineQueueStore;
}

export class ConversationSession {
  readonly conversationId: ConversationId;
  readonly #events = new Emitter<SessionEvents>();
  readonly #api: HttpApi;
  readonly #connection: ReconnectingSocket;
  readonly #queue: OfflineQueue;
  readonly #replay: Replay;
  readonly #requests: PendingRequests;
  readonly #typists: RemoteTypists;
  readonly #localTyping: LocalTyping;
  readonly #autoDelivered: boolean;
  readonly #deviceId: string | undefined;
  readonly #ready: Promise<void>;

  #userId: UserId | undefined;
  #deliveredSent: Watermark = 0;
  #deliveredScheduled = false;
  readonly #retries: SendRetries;

  constructor(deps: SessionDeps, options: SessionOptions = {}) {
    this.conversationId = deps.conversationId;
    this.#api = deps.api;
    this.#queue = new OfflineQueue(deps.store, deps.conversationId);
    this.#replay = new Replay(options.lastSeq ?? 0, {
      requestSync: (afterSeq) =>
        this.#frame({
          type: "sync",
          reqId: newRequestId("s"),
          afterSeq,
          limit: LIMITS.maxPageSize,
        }),
      history: (after, limit) => this.#api.history(this.conversationId, { after, limit }),
      deliver: (messages) => this.#deliver(messages),
      generation: () => this.#connection.generation,
      reconnectNow: (error) => this.#connection.reconnectNow(error),
    });
    this.#deliveredSent = options.lastSeq ?? 0;
    this.#requests = new PendingRequests(options.requestTimeoutMs);
    this.#retries = new SendRetries(options.backoff?.random);
    this.#typists = new RemoteTypists(
      (change) => this.#events.emit("typing", change),
      options.typingExpiryMs,
    );
    this.#localTyping = new LocalTyping(options.typingRefreshMs);
    this.#autoDelivered = options.autoDelivered ?? true;
    this.#deviceId = options.deviceId;
    this.#connection = new ReconnectingSocket(
      deps.WebSocketImpl,
      {
        ticket: async () => (await this.#api.ticket(this.conversationId)).ticket,
        // Read at each connect: the replay starts after what the app already has.
        url: (ticket) =>
          conversationSocketUrl(
            this.#api.baseUrl,
            this.conversationId,
            ticket,
            this.#replay.lastSeq,
          ),
        onData: (data) => this.#onData(data),
        onDisconnect: () => this.#afterDisconnect(),
        onState: (change) => this.#events.emit("state", change),
        onError: (error) => this.#emitError(error),
        onStop: (error) => this.#onStop(error),
        ping: () => this.ping(),
      },
      { backoff: options.backoff, heartbeatMs: options.heartbeatMs },
    );
    // Restore stored pending messages before the first connection can flush the offline queue.
    this.#ready = this.#queue.load().catch((error) => this.#emitError(error));
    void this.#ready.then(() => this.#connection.start());
  }

  // ── what the app sees ──────────────────────────────────────────────────────────────────────────

  on<K extends keyof SessionEvents>(event: K, listener: (payload: SessionEvents[K]) => void) {
    return this.#events.on(event, listener);
  }

  off<K extends keyof SessionEvents>(event: K, listener: (payload: SessionEvents[K]) => void) {
    this.#events.off(event, listener);
  }

  get state(): SessionState {
    return this.#connection.state;
  }

  /** My user id, known once the first connection is welcomed. */
  get userId(): UserId | undefined {
    return this.#userId;
  }

  /** The highest seq the app has received with nothing missing before it. */
  get lastSeq(): Watermark {
    return this.#replay.lastSeq;
  }

  /** Who is typing now. */
  get typists(): UserId[] {
    return this.#typists.typists;
  }

  /** Messages sent but not yet acknowledged (including ones restored after a reload). */
  pending(): PendingMessage[] {
    return this.#queue.pending();
  }

  /** Resolves once the offline queue has been restored from storage (pending() is then complete). */
  ready(): Promise<void> {
    return this.#ready;
  }

  // ── what the app does ──────────────────────────────────────────────────────────────────────────

  /**
   * Sends a message. It is stored in the offline queue first and resent with the same clientMsgId after
   * every reconnect until acked; rate limits and transient errors are retried transparently.
   */
  async send(content: UserContent, options: SendOptions = {}): Promise<SendAck> {
    if (this.state === "closed") throw new ChatError("unavailable", "the session is closed");
    const message: PendingMessage = {
      clientMsgId:
        options.clientMsgId === undefined
          ? newClientMsgId()
          : parseWith(ClientMsgId, options.clientMsgId),
      content: parseWith(UserContent, content),
      createdAt: Date.now(),
    };
    if (options.replyToSeq !== undefined) message.replyToSeq = options.replyToSeq;
    const { acked, stored } = this.#queue.add(message);
    await this.#ready;
    await stored;
    if (this.state === "open") this.#sendPending(message);
    return acked;
  }

  /** Sends plain text: a shorthand for send({ kind: "text", text }). */
  sendText(text: string, options: SendOptions = {}): Promise<SendAck> {
    return this.send({ kind: "text", text }, options);
  }

  /** Everything up to `upToSeq` reached this device (sent for you unless autoDelivered is off). */
  async markDelivered(upToSeq: Seq): Promise<void> {
    if (this.#frame(this.#delivered(upToSeq))) {
      this.#deliveredSent = Math.max(this.#deliveredSent, upToSeq);
      return;
    }
    await this.#api.markDelivered(this.conversationId, upToSeq);
  }

  /** The user has read everything up to `upToSeq`. Over the socket when open, else over HTTP. */
  async markRead(upToSeq: Seq): Promise<void> {
    if (this.#frame({ type: "read", upToSeq })) return;
    await this.#api.markRead(this.conversationId, upToSeq);
  }

  /**
   * Call typing("start") on every keystroke (refreshes are throttled) and typing("stop") when the
   * user stops or sends. Typing is ephemeral: nothing is queued while disconnected.
   */
  typing(state: "start" | "stop"): void {
    if (this.state !== "open") return;
    if (this.#localTyping.shouldSend(state, Date.now())) this.#frame({ type: "typing", state });
  }

  /**
   * Edits my text message `seq`. Changes go over HTTP, not through the offline queue: they only
   * make sense against the state the server has now, so a refusal (window_expired, not_sender,
   * message_deleted) comes back at once. The change itself arrives as a `message` like any other.
   */
  edit(seq: Seq, text: string): Promise<SendAck> {
    return this.#api.editMessage(this.conversationId, seq, { clientMsgId: newClientMsgId(), text });
  }

  /** Deletes message `seq` for everyone (mine within the window; any, as an admin). */
  async deleteForEveryone(seq: Seq): Promise<SendAck> {
    const ack = await this.#api.deleteMessage(this.conversationId, seq, {
      scope: "everyone",
      clientMsgId: newClientMsgId(),
    });
    return ack!;
  }

  /** Hides message `seq` on my devices only (they hear of it through the `hidden` event). */
  async deleteForMe(seq: Seq): Promise<void> {
    await this.#api.deleteMessage(this.conversationId, seq, { scope: "me" });
  }

  /** Sets (emoji) or removes (null) my one reaction to message `seq`. */
  react(seq: Seq, emoji: string | null): Promise<SendAck> {
    return this.#api.react(this.conversationId, seq, { clientMsgId: newClientMsgId(), emoji });
  }

  /** Who has received and read message `seq`. */
  messageInfo(seq: Seq): Promise<InfoResult> {
    return this.#request((reqId) => ({ type: "info", reqId, seq }));
  }

  ping(): Promise<Pong> {
    return this.#request((reqId) => ({ type: "ping", reqId }));
  }

  /** Closes for good. Unacked messages stay in storage for a later session; their promises fail. */
  close(): void {
    this.#connection.close();
  }

  // ── connection lifecycle (the socket itself is ReconnectingSocket's) ─────────────────────────

  /** What no longer holds once a connection is gone. */
  #afterDisconnect(): void {
    this.#replay.disconnected();
    this.#retries.cancelWaits();
    this.#requests.rejectAll(new ChatError("unavailable", "the connection was lost"));
    this.#typists.clear();
    this.#localTyping.reset();
  }

  #onStop(error: ChatError | undefined): void {
    const reason = error ?? new ChatError("unavailable", "the session is closed");
    // Not a member (any more) or otherwise refused for good: nothing pending can ever be sent.
    if (error && !error.retriable && error.code !== "unauthenticated") {
      for (const message of this.#queue.pending()) this.#queue.failed(message.clientMsgId, error);
    }
    this.#queue.abandon(reason);
    this.#requests.rejectAll(reason);
    this.#typists.clear();
  }

  // ── frames ────────────────────────────────────────────────────────────────────────────────────

  #onData(data: unknown): void {
    let frame: ServerFrame;
    try {
      if (typeof data !== "string") throw new ChatError("invalid_request", "binary frame");
      frame = decodeServerFrame(data);
    } catch (error) {
      // A frame this SDK cannot read: report it, keep the connection.
      this.#emitError(toChatError(error));
      return;
    }
    switch (frame.type) {
      case "welcome":
        this.#onWelcome(frame);
        break;
      case "sync_batch":
        this.#replay.syncBatch(frame);
        break;
      case "sync_gap":
        void this.#replay.gap(frame);
        break;
      case "message":
        this.#replay.live([frame.message]);
        break;
      case "messages":
        // v2: several live messages in one frame (under load), handled exactly like single ones.
        this.#replay.live(frame.messages);
        break;
      case "ack": {
        const { type: _type, reqId: _reqId, ...ack } = frame;
        this.#onAck(ack);
        break;
      }
      case "status":
        this.#events.emit("status", { status: frame.status, upToSeq: frame.upToSeq });
        break;
      case "typing":
        if (frame.userId === this.#userId) break;
        if (frame.state === "start") this.#typists.started(frame.userId);
        else this.#typists.stopped(frame.userId);
        break;
      case "hidden":
        this.#events.emit("hidden", frame.seqs);
        break;
      case "presence": {
        const { type: _type, ...presence } = frame;
        this.#events.emit("presence", presence);
        break;
      }
      case "info_result":
      case "pong":
        this.#requests.resolve(frame.reqId, frame);
        break;
      case "error":
        this.#onErrorFrame(frame);
        break;
    }
  }

  #onWelcome(frame: ServerFrameOf<"welcome">): void {
    this.#userId = frame.userId;
    this.#replay.welcomed(frame.lastSeq);
    this.#connection.opened();
    for (const message of this.#queue.pending()) this.#sendPending(message);
    this.#scheduleDelivered();
  }

  /** Messages the replay found deliverable, in seq order, each once. */
  #deliver(messages: Message[]): void {
    for (const message of messages) {
      this.#typists.stopped(message.senderId);
      // My own message seen before its ack (the ack was lost with a connection): it is sent.
      if (message.senderId === this.#userId && this.#queue.has(message.clientMsgId)) {
        this.#onAck({
          clientMsgId: message.clientMsgId,
          seq: message.seq,
          messageId: message.messageId,
          serverTs: message.serverTs,
        });
      }
      this.#events.emit("message", message);
    }
    this.#scheduleDelivered();
  }

  #onAck(ack: SendAck): void {
    this.#retries.settled(ack.clientMsgId);
    // Resends return the original ack again; the app hears about each message once.
    if (this.#queue.acked(ack)) this.#events.emit("ack", ack);
  }

  #onErrorFrame(frame: ServerFrameOf<"error">): void {
    const error = new ChatError(
      frame.code,
      frame.message,
      frame.retryAfterMs === undefined ? {} : { retryAfterMs: frame.retryAfterMs },
    );
    this.#emitError(error);
    if (this.#requests.reject(frame.reqId, error)) return;
    if (frame.reqId !== undefined && this.#queue.has(frame.reqId)) {
      this.#onSendError(frame.reqId, error);
    }
  }

  /** A send was refused: wait and resend when retrying can help (rate limits), else fail it. */
  #onSendError(clientMsgId: string, error: ChatError): void {
    if (!error.retriable) {
      this.#retries.settled(clientMsgId);
      this.#queue.failed(clientMsgId, error);
      return;
    }
    this.#retries.schedule(clientMsgId, error, () => {
      const message = this.#queue.pending().find((m) => m.clientMsgId === clientMsgId);
      if (message && this.state === "open") this.#sendPending(message);
    });
  }

  #sendPending(message: PendingMessage): void {
    // Waiting out a rate limit: the retry timer sends it.
    if (this.#retries.waiting(message.clientMsgId)) return;
    const frame: ClientFrame = {
      type: "send",
      reqId: message.clientMsgId,
      clientMsgId: message.clientMsgId,
      content: message.content,
    };
    if (message.replyToSeq !== undefined) frame.replyToSeq = message.replyToSeq;
    this.#frame(frame);
  }

  /** Acknowledges receipt once per burst of messages rather than once per message. */
  #delivered(upToSeq: Seq): ClientFrameOf<"delivered"> {
    return this.#deviceId === undefined
      ? { type: "delivered", upToSeq }
      : { type: "delivered", upToSeq, deviceId: this.#deviceId };
  }

  #scheduleDelivered(): void {
    if (!this.#autoDelivered || this.#deliveredScheduled) return;
    this.#deliveredScheduled = true;
    queueMicrotask(() => {
      this.#deliveredScheduled = false;
      const upToSeq = this.#replay.lastSeq;
      if (upToSeq > this.#deliveredSent && this.#frame(this.#delivered(upToSeq))) {
        this.#deliveredSent = upToSeq;
      }
    });
  }

  #request<T extends InfoResult | Pong>(build: (reqId: RequestId) => ClientFrame): Promise<T> {
    const reqId = newRequestId();
    const reply = this.#requests.wait<T>(reqId);
    if (!this.#frame(build(reqId))) {
      this.#requests.reject(reqId, new ChatError("unavailable", "not connected"));
    }
    return reply;
  }

  /** Puts a frame on the wire if the connection is welcomed; false otherwise. */
  #frame(frame: ClientFrame): boolean {
    return this.#connection.send(encodeFrame(frame));
  }

  #emitError(error: unknown): void {
    this.#events.emit("error", toChatError(error));
  }
}
