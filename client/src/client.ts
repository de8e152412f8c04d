// The SDK's entry point: typed HTTP calls plus `open()` for a live conversation session and
// `openInbox()` for the user's live conversation list. Platform pieces (fetch, WebSocket, offline-queue
// storage) are injectable so the same code runs in browsers, in Node 24 and in unit tests.
import type { ConversationId, MediaKind } from "@edge-chat/protocol";
import { type FetchLike, HttpApi } from "./http-api.ts";
import { type InboxOptions, InboxSession } from "./inbox.ts";
import {
  type MediaContent,
  type MediaUpload,
  type Uploader,
  type UploadProgress,
  uploadMedia,
} from "./media.ts";
import { ConversationSession, type SessionOptions } from "./session.ts";
import type { WebSocketConstructor } from "./socket.ts";
import { MemoryOfflineQueueStore, type OfflineQueueStore } from "./storage.ts";

export interface ChatClientOptions {
  /** Origin of the edge Worker, e.g. "https://chat.example.com". */
  baseUrl: string;
  /** Returns a current JWT; called for every request and ticket, so it may refresh. */
  getToken: () => Promise<string>;
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: FetchLike;
  /** Where unacknowledged messages wait. Default: in memory (lost on reload). */
  storage?: OfflineQueueStore;
}

export class ChatClient extends HttpApi {
  readonly #WebSocket: WebSocketConstructor;
  readonly #store: OfflineQueueStore;

  constructor(options: ChatClientOptions) {
    super(options);
    const WebSocketImpl = options.WebSocketImpl ?? globalThis.WebSocket;
    if (!WebSocketImpl) throw new TypeError("no WebSocket implementation: pass WebSocketImpl");
    this.#WebSocket = WebSocketImpl;
    this.#store = options.storage ?? new MemoryOfflineQueueStore();
  }

  /**
   * Uploads media straight to object storage with a signed URL from the edge and returns the
   * content to send, e.g. `session.send({ ...(await client.uploadMedia(id, upload)), caption })`.
   */
  uploadMedia<K extends MediaKind>(
    conversationId: ConversationId,
    upload: Extract<MediaUpload, { kind: K }>,
    options: { uploader?: Uploader; onProgress?: UploadProgress } = {},
  ): Promise<MediaContent<K>> {
    return uploadMedia<K>(this, this.fetchImpl, conversationId, upload, options);
  }

  /** A fresh, short-lived signed URL for an object of the conversation (e.g. for `<img src>`). */
  async mediaUrl(conversationId: ConversationId, objectKey: string): Promise<string> {
    return (await this.mediaDownloadTicket(conversationId, objectKey)).url;
  }

  /**
   * Opens this device's live inbox (conversation list, unread counts, peers' presence); it
   * connects at once, and while it is connected the user counts as online.
   */
  openInbox(options: InboxOptions = {}): InboxSession {
    return new InboxSession({ api: this, WebSocketImpl: this.#WebSocket }, options);
  }

  /** Opens a live session on a conversation the caller is a member of; it connects at once. */
  open(conversationId: ConversationId, options: SessionOptions = {}): ConversationSession {
    return new ConversationSession(
      { conversationId, api: this, WebSocketImpl: this.#WebSocket, store: this.#store },
      options,
    );
  }
}
