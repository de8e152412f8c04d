// The offline queue (pending sends): every message the app sends is stored before it is put on the
// wire and stays until its ack arrives, so it can be resent with the same clientMsgId after any
// disconnect (the server dedupes by it, so a resend returns the original ack and never a second
// message). The queue only keeps state; the session decides when to put entries on the wire. (Not
// to be confused with the edge's region outbox and inbox outbox, which are server-side tables.)
import type { ChatError, ClientMsgId, ConversationId, SendAck } from "@edge-chat/protocol";
import type { OfflineQueueStore, PendingMessage } from "./storage.ts";

interface Entry {
  message: PendingMessage;
  /** The app's promise, absent for entries restored from storage after a reload. */
  waiter?: { resolve: (ack: SendAck) => void; reject: (error: ChatError) => void };
}

export class OfflineQueue {
  readonly #store: OfflineQueueStore;
  readonly #conversationId: ConversationId;
  readonly #entries = new Map<ClientMsgId, Entry>();

  constructor(store: OfflineQueueStore, conversationId: ConversationId) {
    this.#store = store;
    this.#conversationId = conversationId;
  }

  /** Restores what an earlier page or process left unacknowledged. */
  async load(): Promise<void> {
    for (const message of await this.#store.list(this.#conversationId)) {
      if (!this.#entries.has(message.clientMsgId)) {
        this.#entries.set(message.clientMsgId, { message });
      }
    }
  }

  /** Pending messages, oldest first: the order they are (re)sent in. */
  pending(): PendingMessage[] {
    return [...this.#entries.values()]
      .map((e) => e.message)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  has(clientMsgId: ClientMsgId): boolean {
    return this.#entries.has(clientMsgId);
  }

  /** Queues a message; the promise settles with its ack, or a non-retriable error. */
  add(message: PendingMessage): { acked: Promise<SendAck>; stored: Promise<void> } {
    let waiter!: Entry["waiter"];
    const acked = new Promise<SendAck>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    this.#entries.set(message.clientMsgId, { message, waiter });
    const stored = this.#store.put(this.#conversationId, message);
    return { acked, stored };
  }

  /** The message is durable at the edge: settle and forget it. False if it was not pending. */
  acked(ack: SendAck): boolean {
    const entry = this.#entries.get(ack.clientMsgId);
    if (!entry) return false;
    this.#entries.delete(ack.clientMsgId);
    void this.#store.delete(this.#conversationId, ack.clientMsgId);
    entry.waiter?.resolve(ack);
    return true;
  }

  /** The server refused the message for good (too large, not a member): it will never be sent. */
  failed(clientMsgId: ClientMsgId, error: ChatError): boolean {
    const entry = this.#entries.get(clientMsgId);
    if (!entry) return false;
    this.#entries.delete(clientMsgId);
    void this.#store.delete(this.#conversationId, clientMsgId);
    entry.waiter?.reject(error);
    return true;
  }

  /** The session ends: promises fail, but stored entries stay for the next session to resend. */
  abandon(error: ChatError): void {
    for (const entry of this.#entries.values()) entry.waiter?.reject(error);
    this.#entries.clear();
  }
}
