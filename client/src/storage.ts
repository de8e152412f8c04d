// Where the offline queue keeps messages that were sent but not yet acknowledged. The interface is async so
// an IndexedDB or file adapter fits too; the SDK ships an in-memory store (the default: pending
// messages survive reconnects) and a Web Storage one (they also survive a page reload).
import { type ClientMsgId, type ConversationId, SendRequest, Timestamp } from "@edge-chat/protocol";

/**
 * One message waiting for its ack: exactly what gets (re)sent, plus when it was first queued. Stored
 * as JSON, so it is validated again when read back.
 */
export const PendingMessage = SendRequest.extend({ createdAt: Timestamp });
export type PendingMessage = ReturnType<typeof PendingMessage.parse>;

export interface OfflineQueueStore {
  /** The pending messages of one conversation, oldest first. */
  list(conversationId: ConversationId): Promise<PendingMessage[]>;
  put(conversationId: ConversationId, message: PendingMessage): Promise<void>;
  delete(conversationId: ConversationId, clientMsgId: ClientMsgId): Promise<void>;
}

const byAge = (a: PendingMessage, b: PendingMessage) => a.createdAt - b.createdAt;

export class MemoryOfflineQueueStore implements OfflineQueueStore {
  readonly #byConversation = new Map<ConversationId, Map<ClientMsgId, PendingMessage>>();

  async list(conversationId: ConversationId): Promise<PendingMessage[]> {
    return [...(this.#byConversation.get(conversationId)?.values() ?? [])].sort(byAge);
  }

  async put(conversationId: ConversationId, message: PendingMessage): Promise<void> {
    let entries = this.#byConversation.get(conversationId);
    if (!entries) {
      entries = new Map();
      this.#byConversation.set(conversationId, entries);
    }
    entries.set(message.clientMsgId, message);
  }

  async delete(conversationId: ConversationId, clientMsgId: ClientMsgId): Promise<void> {
    this.#byConversation.get(conversationId)?.delete(clientMsgId);
  }
}

/** The subset of the Web Storage API the adapter uses (localStorage, sessionStorage). */
export type WebStorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/**
 * Keeps each conversation's offline queue as one JSON array under `<prefix><conversationId>`. Entries that
 * no longer parse (written by an incompatible version) are dropped rather than crash the session.
 */
export class WebStorageOfflineQueueStore implements OfflineQueueStore {
  readonly #storage: WebStorageLike;
  readonly #prefix: string;

  // The key prefix keeps its old word: a renamed key would strand what an earlier version queued.
  constructor(storage: WebStorageLike = globalThis.localStorage, prefix = "edge-chat:outbox:") {
    this.#storage = storage;
    this.#prefix = prefix;
  }

  async list(conversationId: ConversationId): Promise<PendingMessage[]> {
    return this.#read(conversationId);
  }

  async put(conversationId: ConversationId, message: PendingMessage): Promise<void> {
    const entries = this.#read(conversationId).filter((m) => m.clientMsgId !== message.clientMsgId);
    entries.push(message);
    this.#write(conversationId, entries.sort(byAge));
  }

  async delete(conversationId: ConversationId, clientMsgId: ClientMsgId): Promise<void> {
    this.#write(
      conversationId,
      this.#read(conversationId).filter((m) => m.clientMsgId !== clientMsgId),
    );
  }

  #read(conversationId: ConversationId): PendingMessage[] {
    const raw = this.#storage.getItem(this.#prefix + conversationId);
    if (raw === null) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((entry) => {
      const result = PendingMessage.safeParse(entry);
      return result.success ? [result.data] : [];
    });
  }

  #write(conversationId: ConversationId, entries: PendingMessage[]): void {
    const key = this.#prefix + conversationId;
    if (entries.length === 0) this.#storage.removeItem(key);
    else this.#storage.setItem(key, JSON.stringify(entries));
  }
}

// The names before the SDK's offline queue was renamed (it was called its outbox, like two tables at
// the edge). Kept so existing apps still compile.
/** @deprecated Use OfflineQueueStore. */
export type OutboxStore = OfflineQueueStore;
/** @deprecated Use MemoryOfflineQueueStore. */
export const MemoryOutboxStore = MemoryOfflineQueueStore;
/** @deprecated Use MemoryOfflineQueueStore. */
export type MemoryOutboxStore = MemoryOfflineQueueStore;
/** @deprecated Use WebStorageOfflineQueueStore. */
export const WebStorageOutboxStore = WebStorageOfflineQueueStore;
/** @deprecated Use WebStorageOfflineQueueStore. */
export type WebStorageOutboxStore = WebStorageOfflineQueueStore;
