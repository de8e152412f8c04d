// Table, column and type names of the schema in ../migrations, as constants for the repositories
// in region-core (one repository per table), so a rename is a compile error rather than a runtime
// one. A test checks every name here against the migration files.

export const TABLES = {
  conversations: "conversations",
  conversationMembers: "conversation_members",
  messagesByConversation: "messages_by_conversation",
  conversationsByUser: "conversations_by_user",
  messageReceipts: "message_receipts",
  mediaObjects: "media_objects",
  devicesByUser: "devices_by_user",
  notificationSettings: "notification_settings",
  messageEdits: "message_edits",
  messageDeletions: "message_deletions",
  messageReactions: "message_reactions",
  messageAnnotations: "message_annotations",
  /** Written by the migration runner only. */
  schemaMigrations: "schema_migrations",
  /** Written by the migration runner only. */
  schemaMigrationLease: "schema_migration_lease",
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

export const TYPES = {
  mediaRef: "media_ref",
} as const;

export const CONVERSATIONS = {
  conversationId: "conversation_id",
  kind: "kind",
  name: "name",
  createdBy: "created_by",
  createdAt: "created_at",
} as const;

export const CONVERSATION_MEMBERS = {
  conversationId: "conversation_id",
  userId: "user_id",
  role: "role",
  joinedAt: "joined_at",
} as const;

export const MESSAGES_BY_CONVERSATION = {
  conversationId: "conversation_id",
  bucket: "bucket",
  seq: "seq",
  messageId: "message_id",
  clientMsgId: "client_msg_id",
  senderId: "sender_id",
  kind: "kind",
  body: "body",
  media: "media",
  replyToSeq: "reply_to_seq",
  serverTs: "server_ts",
  editedAt: "edited_at",
  deletedAt: "deleted_at",
} as const;

/** Fields of the frozen `media_ref` UDT stored in messages_by_conversation.media. */
export const MEDIA_REF = {
  objectKey: "object_key",
  mime: "mime",
  size: "size",
  width: "width",
  height: "height",
  durationMs: "duration_ms",
  thumbnailKey: "thumbnail_key",
} as const;

export const CONVERSATIONS_BY_USER = {
  userId: "user_id",
  conversationId: "conversation_id",
  kind: "kind",
  joinedAt: "joined_at",
  /** Retired by 0007 (the list is derived from message_receipts): neither written nor read. */
  lastMessageSeq: "last_message_seq",
  lastMessageAt: "last_message_at",
  lastReadSeq: "last_read_seq",
} as const;

export const MESSAGE_RECEIPTS = {
  conversationId: "conversation_id",
  userId: "user_id",
  deliveredUpTo: "delivered_up_to",
  readUpTo: "read_up_to",
  updatedAt: "updated_at",
  /** Static (one per conversation): the conversation's head (0007). */
  lastMessageSeq: "last_message_seq",
  lastMessageAt: "last_message_at",
  /** The highest seq this member sent: they have read it (0007). */
  sentUpTo: "sent_up_to",
} as const;

export const MEDIA_OBJECTS = {
  objectKey: "object_key",
  ownerId: "owner_id",
  conversationId: "conversation_id",
  mime: "mime",
  size: "size",
  createdAt: "created_at",
} as const;

export const DEVICES_BY_USER = {
  userId: "user_id",
  deviceId: "device_id",
  device: "device",
} as const;

export const NOTIFICATION_SETTINGS = {
  userId: "user_id",
  settings: "settings",
} as const;

export const MESSAGE_EDITS = {
  conversationId: "conversation_id",
  bucket: "bucket",
  seq: "seq",
  text: "text",
  editSeq: "edit_seq",
  editedAt: "edited_at",
} as const;

export const MESSAGE_DELETIONS = {
  conversationId: "conversation_id",
  bucket: "bucket",
  seq: "seq",
  deletedAt: "deleted_at",
  deletedBy: "deleted_by",
} as const;

export const MESSAGE_REACTIONS = {
  conversationId: "conversation_id",
  bucket: "bucket",
  seq: "seq",
  userId: "user_id",
  emoji: "emoji",
  reactionSeq: "reaction_seq",
} as const;

export const MESSAGE_ANNOTATIONS = {
  conversationId: "conversation_id",
  bucket: "bucket",
  seq: "seq",
  quote: "quote",
  mentions: "mentions",
} as const;

/**
 * The write timestamp of a delete (see migrations/0009): above every seq and every clock, so the
 * tombstone's cells win over any write of the same cells, earlier or replayed later.
 */
export const FINAL_WRITE_TIMESTAMP = 9007199254740991;

export const SCHEMA_MIGRATIONS = {
  scope: "scope",
  version: "version",
  name: "name",
  checksum: "checksum",
  appliedAt: "applied_at",
  appliedBy: "applied_by",
} as const;

export const SCHEMA_MIGRATION_LEASE = {
  name: "name",
  owner: "owner",
  acquiredAt: "acquired_at",
} as const;

/** Columns of each application table, keyed by table name (used by the schema test). */
export const COLUMNS_BY_TABLE = {
  [TABLES.conversations]: CONVERSATIONS,
  [TABLES.conversationMembers]: CONVERSATION_MEMBERS,
  [TABLES.messagesByConversation]: MESSAGES_BY_CONVERSATION,
  [TABLES.conversationsByUser]: CONVERSATIONS_BY_USER,
  [TABLES.messageReceipts]: MESSAGE_RECEIPTS,
  [TABLES.mediaObjects]: MEDIA_OBJECTS,
  [TABLES.devicesByUser]: DEVICES_BY_USER,
  [TABLES.notificationSettings]: NOTIFICATION_SETTINGS,
  [TABLES.messageEdits]: MESSAGE_EDITS,
  [TABLES.messageDeletions]: MESSAGE_DELETIONS,
  [TABLES.messageReactions]: MESSAGE_REACTIONS,
  [TABLES.messageAnnotations]: MESSAGE_ANNOTATIONS,
} as const;

/**
 * The write timestamp (microseconds, the driver's `timestamp` query option) for a watermark cell,
 * derived from the ConversationDO's monotone event time so last-write-wins equals newest-wins
 * (see migrations/0004 and 0005). Two writes in the same millisecond tie, and Cassandra breaks a
 * timestamp tie by keeping the greater value, which for a watermark is the right one. Epoch
 * microseconds stay far below 2^53, so a plain number is exact.
 */
export function watermarkWriteTimestamp(eventTimeMs: number): number {
  return Math.trunc(eventTimeMs) * 1000;
}
