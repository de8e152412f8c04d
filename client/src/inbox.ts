// The user's inbox, live: one socket per device to the user's InboxDO (a fresh single-use ticket
// per connect, reconnecting with the protocol's backoff through the same ReconnectingSocket as a
// conversation session). It keeps the conversation list in memory, most recent first, with unread
// counts, and passes on presence changes of direct-chat peers. Connecting is also what makes this
// user "online" for their peers.
import {
  ChatError,
  type ConversationId,
  decodeInboxServerFrame,
  type InboxClientFrame,
  type InboxEntry,
  type InboxServerFrame,
  type InboxServerFrameOf,
  type Presence,
  type UserId,
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
import { newRequestId } from "./ids.ts";
import { ConversationList } from "./inbox-list.ts";
import { PendingRequests } from "./requests.ts";
import { inboxSocketUrl, type WebSocketConstructor } from "./socket.ts";
import { RemoteTypists } from "./typing.ts";

export type InboxPong = InboxServerFrameOf<"pong">;

export interface InboxEvents {
  /** The whole list, most recent first: after every welcome (first connect and reconnects). */
  list: InboxEntry[];
  /** One row changed (new message, read watermark, joined); the list is already updated. */
  update: InboxEntry;
  /** I left or was removed: the row is gone from the list. */
  removed: { conversationId: ConversationId };
  /** A direct-chat peer came online or went offline. */
  presence: Presence;
  /** Who is typing in a direct chat or a small group changed (for the list's "typing…"). */
  typing: { conversationId: ConversationId; typists: UserId[] };
  state: StateChange;
  error: ChatError;
}

export interface InboxOptions {
  backoff?: BackoffOptions;
  /** Ping interval that detects dead connections; 0 disables. Default 25 s. */
  heartbeatMs?: number;
  /** How long a ping waits for its pong. Default 15 s. */
  requestTimeoutMs?: number;
  /**
   * Tell the server "delivered" when the list shows a direct chat's new messages, so the sender
   * sees a double tick once the message reached this device, with the chat open or not. Default
   * true. A group's new messages are acknowledged by the server itself (the inbox answers the
   * conversation's coalesced update: one request per member per message is what it avoids); only
   * the welcome acknowledges a group's unread messages, which arrived while no device was connected
   * (once per connect, not per message).
   */
  autoDelivered?: boolean;
}

export interface InboxDeps {
  api: HttpApi;
  WebSocketImpl: WebSocketConstructor;
}

export class InboxSession {
  readonly #events = new Emitter<InboxEvents>();
  readonly #list = new ConversationList();
  readonly #requests: PendingRequests;
  readonly #connection: ReconnectingSocket;
  #userId: UserId | undefined;
  readonly #api: HttpApi;
  readonly #autoDelivered: boolean;
  /** The delivered watermark asked for per conversation (so each seq is acknowledged once). */
  readonly #deliveredSent = new Map<ConversationId, number>();
  /** Direct chats' typists, each expiring without a refresh (a stop frame may never come). */
  readonly #typing = new Map<ConversationId, RemoteTypists>();

  constructor(deps: InboxDeps, options: InboxOptions = {}) {
    this.#api = deps.api;
    this.#autoDelivered = options.autoDelivered ?? true;
    this.#requests = new PendingRequests(options.requestTimeoutMs);
    this.#connection = new ReconnectingSocket(
      deps.WebSocketImpl,
      {
        ticket: async () => (await deps.api.inboxTicket()).ticket,
        url: (ticket) => inboxSocketUrl(deps.api.baseUrl, ticket),
        onData: (data) => this.#onData(data),
        onDisconnect: () => {
          this.#requests.rejectAll(new ChatError("unavailable", "the connection was lost"));
          for (const typists of this.#typing.values()) typists.clear();
        },
        onState: (change) => this.#events.emit("state", change),
        onError: (error) => this.#events.emit("error", error),
        onStop: (error) =>
          this.#requests.rejectAll(error ?? new ChatError("unavailable", "the inbox is closed")),
        ping: () => this.ping(),
      },
      { backoff: options.backoff, heartbeatMs: options.heartbeatMs },
    );
    this.#connection.start();
  }

  on<K extends keyof InboxEvents>(event: K, listener: (payload: InboxEvents[K]) => void) {
    return this.#events.on(event, listener);
  }

  off<K extends keyof InboxEvents>(event: K, listener: (payload: InboxEvents[K]) => void) {
    this.#events.off(event, listener);
  }

  get state(): ConnectionState {
    return this.#connection.state;
  }

  /** My user id, known once the first connection is welcomed. */
  get userId(): UserId | undefined {
    return this.#userId;
  }

  /** The conversation list, most recent first (empty until the first welcome). */
  get conversations(): InboxEntry[] {
    return this.#list.entries();
  }

  /** One row of the list. */
  conversation(conversationId: ConversationId): InboxEntry | undefined {
    return this.#list.get(conversationId);
  }

  /** Who is typing in a direct chat or a small group, as far as this inbox knows. */
  typists(conversationId: ConversationId): UserId[] {
    return this.#typing.get(conversationId)?.typists ?? [];
  }

  /** Unread messages over all conversations. */
  get unreadTotal(): number {
    return this.#list.unreadTotal;
  }

  ping(): Promise<InboxPong> {
    const reqId = newRequestId("p");
    const reply = this.#requests.wait<InboxPong>(reqId);
    const frame: InboxClientFrame = { type: "ping", reqId };
    // JSON.stringify: the inbox socket's frames are their own union, not the conversation's.
    if (!this.#connection.send(JSON.stringify(frame))) {
      this.#requests.reject(reqId, new ChatError("unavailable", "not connected"));
    }
    return reply;
  }

  /** Closes for good (this device stops counting as online). */
  close(): void {
    this.#connection.close();
  }

  #onData(data: unknown): void {
    let frame: InboxServerFrame;
    try {
      if (typeof data !== "string") throw new ChatError("invalid_request", "binary frame");
      frame = decodeInboxServerFrame(data);
    } catch (error) {
      // A frame this SDK cannot read: report it, keep the connection.
      this.#events.emit("error", toChatError(error));
      return;
    }
    switch (frame.type) {
      case "inbox_welcome":
        this.#userId = frame.userId;
        // The welcome is the whole truth: rows removed while we were away disappear here.
        this.#list.replace(frame.conversations);
        this.#connection.opened();
        this.#events.emit("list", this.#list.entries());
        for (const entry of frame.conversations) this.#delivered(entry, true);
        break;
      case "inbox_update":
        this.#list.upsert(frame.entry);
        this.#events.emit("update", frame.entry);
        this.#delivered(frame.entry, false);
        break;
      case "inbox_removed":
        if (this.#list.remove(frame.conversationId)) {
          this.#events.emit("removed", { conversationId: frame.conversationId });
        }
        break;
      case "presence": {
        const { type: _type, ...presence } = frame;
        this.#events.emit("presence", presence);
        break;
      }
      case "typing":
        this.#onTyping(frame);
        break;
      case "pong":
        this.#requests.resolve(frame.reqId, frame);
        break;
      case "error":
        this.#onErrorFrame(frame);
        break;
    }
  }

  #onTyping(frame: InboxServerFrameOf<"typing">): void {
    const { conversationId } = frame;
    let typists = this.#typing.get(conversationId);
    if (!typists) {
      typists = new RemoteTypists((change) => {
        if (change.typists.length === 0) this.#typing.delete(conversationId);
        this.#events.emit("typing", { conversationId, typists: change.typists });
      });
      this.#typing.set(conversationId, typists);
    }
    if (frame.state === "start") typists.started(frame.userId);
    else typists.stopped(frame.userId);
  }

  /**
   * Acknowledges unread messages as delivered to this device (best effort): a direct chat's on every
   * update, a group's only on the welcome (its updates are acknowledged server-side).
   */
  #delivered(entry: InboxEntry, welcome: boolean): void {
    if (!this.#autoDelivered || entry.unread === 0) return;
    if (entry.kind !== "direct" && !welcome) return;
    const { conversationId, lastSeq } = entry;
    if ((this.#deliveredSent.get(conversationId) ?? 0) >= lastSeq) return;
    this.#deliveredSent.set(conversationId, lastSeq);
    this.#api.markDelivered(conversationId, lastSeq).catch(() => {
      // Not acknowledged: the next update or welcome tries again.
      if (this.#deliveredSent.get(conversationId) === lastSeq) {
        this.#deliveredSent.delete(conversationId);
      }
    });
  }

  #onErrorFrame(frame: InboxServerFrameOf<"error">): void {
    const error = new ChatError(
      frame.code,
      frame.message,
      frame.retryAfterMs === undefined ? {} : { retryAfterMs: frame.retryAfterMs },
    );
    this.#events.emit("error", error);
    this.#requests.reject(frame.reqId, error);
  }
}
