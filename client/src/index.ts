// @edge-chat/client: the TypeScript SDK for edge-chat (browsers and Node 24).
export type { BackoffOptions } from "./backoff.ts";
export { type ChatClientOptions, ChatClient } from "./client.ts";
export { decideOnClose, errorCodeOfClose } from "./close-codes.ts";
export type { ConnectionState, StateChange } from "./connection.ts";
export { Emitter, type Listener } from "./emitter.ts";
export {
  errorFromResponse,
  type FetchLike,
  fetchDevToken,
  type HistoryRequest,
  HttpApi,
  type HttpApiOptions,
  type MediaTickets,
  withMute,
} from "./http-api.ts";
export { newClientMsgId } from "./ids.ts";
export {
  type InboxEvents,
  type InboxOptions,
  type InboxPong,
  InboxSession,
} from "./inbox.ts";
export { byRecency, ConversationList } from "./inbox-list.ts";
export {
  type MediaContent,
  type MediaData,
  type MediaUpload,
  type Uploader,
  type UploadProgress,
  uploadMedia,
} from "./media.ts";
export { MessageList } from "./message-list.ts";
export {
  ConversationSession,
  type InfoResult,
  type Pong,
  type SendOptions,
  type SessionEvents,
  type SessionOptions,
  type SessionState,
} from "./session.ts";
export type { WebSocketConstructor, WebSocketLike } from "./socket.ts";
export {
  MemoryOfflineQueueStore,
  /** @deprecated Use MemoryOfflineQueueStore. */
  MemoryOutboxStore,
  type OfflineQueueStore,
  /** @deprecated Use OfflineQueueStore. */
  type OutboxStore,
  PendingMessage,
  WebStorageOfflineQueueStore,
  type WebStorageLike,
  /** @deprecated Use WebStorageOfflineQueueStore. */
  WebStorageOutboxStore,
} from "./storage.ts";
export { TYPING_EXPIRY_MS, TYPING_REFRESH_MS, type TypingChange } from "./typing.ts";
// The protocol's types and error class, so apps need no second import for the common cases.
export {
  ChatError,
  type Conversation,
  directMembers,
  type ErrorCode,
  type InboxEntry,
  type Message,
  type DeviceSummary,
  type NotificationSettings,
  PRESENCE_HEARTBEAT_MS,
  type Presence,
  type SendAck,
  type UserContent,
} from "@edge-chat/protocol";
