// Repository ports, one per Cassandra table (see @edge-chat/cql for the DDL). The persister and the
// APIs depend on these; the Cassandra adapters and the in-memory stand-ins both implement them, and
// one contract suite (test/contract) holds them to the same behaviour.
import type {
  ConversationId,
  Member,
  Message,
  RegionHistoryPage,
  Timestamp,
  UserId,
  Watermark,
} from "@edge-chat/protocol";

/** A slice of a conversation: seqs strictly between `after` and `before` (either may be absent). */
export interface HistoryRange {
  after?: Watermark;
  before?: number;
  limit: number;
  /** The newest seq the caller knows of (its list row), so storage can find the newest bucket fast. */
  latestSeqHint?: number;
}

/** messages_by_conversation: rows keyed by (conversation, bucket, seq); inserting is idempotent. */
export interface MessagesRepository {
  insert(message: Message): Promise<void>;
  get(conversationId: ConversationId, seq: number): Promise<Message | null>;
  /**
   * Ascending messages in the range. With `after`, the `limit` lowest above it (paging forward,
   * as sync does); otherwise the `limit` highest below `before` (paging back through history).
   * `hasMore` says whether the range holds more in the paging direction.
   */
  page(conversationId: ConversationId, range: HistoryRange): Promise<RegionHistoryPage>;
}

/**
 * conversations: metadata. `membersAsOfSeq` is the seq of the membership snapshot that last wrote
 * the conversation's membership: conversation and member rows are written with it as their write
 * version (Cassandra: the write timestamp), so an older snapshot can never overwrite a newer one.
 */
export interface ConversationRow {
  conversationId: ConversationId;
  kind: "direct" | "group";
  name?: string;
  createdAt: Timestamp;
  membersAsOfSeq: Watermark;
}

export interface ConversationsRepository {
  get(conversationId: ConversationId): Promise<ConversationRow | null>;
  put(row: ConversationRow): Promise<void>;
}

/** conversation_members: who belongs to a conversation (the history API's access check). */
export interface MembersRepository {
  list(conversationId: ConversationId): Promise<Member[]>;
  get(conversationId: ConversationId, userId: UserId): Promise<Member | null>;
  /** Writes at version `asOfSeq`: a write or removal at a lower version loses. */
  put(conversationId: ConversationId, member: Member, asOfSeq: Watermark): Promise<void>;
  remove(conversationId: ConversationId, userId: UserId, asOfSeq: Watermark): Promise<void>;
}

/** conversations_by_user: one row per (user, conversation) for the conversation list. */
export interface UserConversationRow {
  userId: UserId;
  conversationId: ConversationId;
  kind?: "direct" | "group";
  joinedAt?: Timestamp;
  lastMessageSeq: Watermark;
  lastMessageAt: Timestamp;
  lastReadSeq: Watermark;
}

/**
 * Cells are updated in place, never delete-then-insert. The watermark cells are versioned by the
 * ConversationDO's event time (Cassandra: the write timestamp, see @edge-chat/cql's 0004), so a
 * replayed older write cannot move them backwards.
 */
export interface UserConversationsRepository {
  list(userId: UserId): Promise<UserConversationRow[]>;
  get(userId: UserId, conversationId: ConversationId): Promise<UserConversationRow | null>;
  join(row: {
    userId: UserId;
    conversationId: ConversationId;
    kind: "direct" | "group";
    joinedAt: Timestamp;
  }): Promise<void>;
  /** Sets last_message_seq/at, versioned by `lastMessageAt`. */
  recordMessage(row: {
    userId: UserId;
    conversationId: ConversationId;
    lastMessageSeq: Watermark;
    lastMessageAt: Timestamp;
  }): Promise<void>;
  /** Sets last_read_seq, versioned by `at`. */
  recordRead(row: {
    userId: UserId;
    conversationId: ConversationId;
    lastReadSeq: Watermark;
    at: Timestamp;
  }): Promise<void>;
  remove(userId: UserId, conversationId: ConversationId): Promise<void>;
}

/** message_receipts: per-member watermarks, O(members) per conversation. */
export interface ReceiptRow {
  conversationId: ConversationId;
  userId: UserId;
  deliveredUpTo: Watermark;
  readUpTo: Watermark;
  updatedAt: Timestamp;
}

/** Watermarks are versioned by `updatedAt` (the DO's event time): an older write loses. */
export interface ReceiptsRepository {
  get(conversationId: ConversationId, userId: UserId): Promise<ReceiptRow | null>;
  list(conversationId: ConversationId): Promise<ReceiptRow[]>;
  put(row: ReceiptRow): Promise<void>;
}

/** media_objects: one row per object an upload URL was issued for (written once). */
export interface MediaObjectRow {
  objectKey: string;
  ownerId: UserId;
  conversationId: ConversationId;
  mime: string;
  size: number;
  createdAt: Timestamp;
}

/** Looked up by key when a download URL is signed, to check the object's conversation. */
export interface MediaObjectsRepository {
  get(objectKey: string): Promise<MediaObjectRow | null>;
  put(row: MediaObjectRow): Promise<void>;
}

export interface Repositories {
  messages: MessagesRepository;
  conversations: ConversationsRepository;
  members: MembersRepository;
  userConversations: UserConversationsRepository;
  receipts: ReceiptsRepository;
  mediaObjects: MediaObjectsRepository;
}
