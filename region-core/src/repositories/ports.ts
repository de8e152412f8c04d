// Repository ports, one per Cassandra table (see @edge-chat/cql for the DDL). The persister and the
// APIs depend on these; the Cassandra adapters and the in-memory stand-ins both implement them, and
// one contract suite (test/contract) holds them to the same behaviour.
import type {
  ConversationId,
  Member,
  Message,
  Quote,
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
  /**
   * Inserts many messages (any conversations, any order): rows of one partition (conversation,
   * bucket) go together in as few writes as the store allows (Cassandra: unlogged batches per
   * partition, bounded in size). Idempotent like `insert`.
   */
  insertMany(messages: readonly Message[]): Promise<void>;
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
  /** The rows that exist among `conversationIds`, in no particular order (one read, not N). */
  getMany(conversationIds: readonly ConversationId[]): Promise<ConversationRow[]>;
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

/**
 * conversations_by_user: which conversations a user is in (one row per membership). Written only on
 * membership changes, never per message: the list's activity and unread counts are derived on read
 * from each conversation's state (ReceiptsRepository.memberState), see @edge-chat/cql's 0007.
 */
export interface UserConversationRow {
  userId: UserId;
  conversationId: ConversationId;
  kind?: "direct" | "group";
  joinedAt?: Timestamp;
}

export interface UserConversationsRepository {
  list(userId: UserId): Promise<UserConversationRow[]>;
  get(userId: UserId, conversationId: ConversationId): Promise<UserConversationRow | null>;
  join(row: {
    userId: UserId;
    conversationId: ConversationId;
    kind: "direct" | "group";
    joinedAt: Timestamp;
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

/**
 * Everything one run of a conversation's events changes in its state partition, written at once
 * (Cassandra: one unlogged single-partition batch), without reading first. Every cell is versioned
 * by the ConversationDO's event time, so replays and reorders cannot move anything backwards.
 */
export interface ConversationStateChange {
  /** The conversation's newest message: versioned by `lastMessageAt`. */
  head?: { lastMessageSeq: Watermark; lastMessageAt: Timestamp };
  /** Per sender, the highest seq they sent (they have read it): versioned by `at`. */
  sent?: readonly { userId: UserId; upToSeq: Watermark; at: Timestamp }[];
  /** Receipt watermarks, versioned by `updatedAt`. */
  receipts?: readonly ReceiptRow[];
  /** Members that joined: their (empty) rows exist from now on, so memberState finds them. */
  joined?: readonly UserId[];
}

/** What a member's conversation-list entry is derived from: one row of the state partition. */
export interface MemberState {
  conversationId: ConversationId;
  userId: UserId;
  /** 0 / 0 while the conversation has no persisted message. */
  lastMessageSeq: Watermark;
  lastMessageAt: Timestamp;
  /** The member's read position: the read watermark, or what they sent if that is higher. */
  lastReadSeq: Watermark;
}

/**
 * message_receipts: one partition per conversation holding its head (last message, one cell) and
 * each member's watermarks. Watermarks are versioned by `updatedAt` (the DO's event time): an
 * older write loses.
 */
export interface ReceiptsRepository {
  get(conversationId: ConversationId, userId: UserId): Promise<ReceiptRow | null>;
  list(conversationId: ConversationId): Promise<ReceiptRow[]>;
  put(row: ReceiptRow): Promise<void>;
  /** Applies a coalesced change in one write to the conversation's partition. */
  record(conversationId: ConversationId, change: ConversationStateChange): Promise<void>;
  /** The head and one member's read position; null when neither exists yet. */
  memberState(conversationId: ConversationId, userId: UserId): Promise<MemberState | null>;
  /**
   * memberState for one user in many conversations (a conversation list) in one read, not N;
   * conversations with nothing stored are left out. Any order.
   */
  memberStates(userId: UserId, conversationIds: readonly ConversationId[]): Promise<MemberState[]>;
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

/** The folded state of one message from the change tables (see @edge-chat/cql's 0007). */
export interface ChangeState {
  edit?: { text: string; editSeq: number; editedAt: Timestamp };
  deletion?: { deletedAt: Timestamp; deletedBy: UserId };
  /** Each member's newest reaction event on the message; emoji null once removed. */
  reactions: { userId: UserId; emoji: string | null; reactionSeq: number }[];
  quote?: Quote;
  mentions?: UserId[];
}

/**
 * message_edits, message_deletions, message_reactions, message_annotations. Every write is
 * idempotent and order-proof: edits and reactions are versioned by their event's seq, a delete
 * is final (it wins over any write of the same cells, earlier or replayed later).
 */
export interface MessageChangesRepository {
  edit(
    conversationId: ConversationId,
    targetSeq: number,
    edit: { text: string; editSeq: number; editedAt: Timestamp },
  ): Promise<void>;
  /**
   * Records the deletion and removes the content: the target's, its edits' text (`edits`) and the
   * quotes of the replies that quote it (`replies`, which then say "deleted").
   */
  delete(
    conversationId: ConversationId,
    target: { seq: number; senderId: UserId },
    deletion: { deletedAt: Timestamp; deletedBy: UserId },
    scrub: { edits: number[]; replies: number[] },
  ): Promise<void>;
  react(
    conversationId: ConversationId,
    targetSeq: number,
    reaction: { userId: UserId; emoji: string | null; reactionSeq: number },
  ): Promise<void>;
  /** Stores a message's quote and mentions (only called when it has either). */
  annotate(message: Message): Promise<void>;
  /** The change state of each message of a page (ascending seqs), by seq. */
  states(conversationId: ConversationId, seqs: number[]): Promise<Map<number, ChangeState>>;
}

export interface Repositories {
  messages: MessagesRepository;
  conversations: ConversationsRepository;
  members: MembersRepository;
  userConversations: UserConversationsRepository;
  receipts: ReceiptsRepository;
  mediaObjects: MediaObjectsRepository;
  messageChanges: MessageChangesRepository;
}
