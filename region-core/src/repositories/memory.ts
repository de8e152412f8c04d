// In-memory repositories for ADAPTERS=embedded: the same ports as the Cassandra adapters, held to
// the same contract suite. Values are cloned on the way in and out, as a database would.
import type { ConversationId, Member, Message, UserId } from "@edge-chat/protocol";
import type {
  ConversationRow,
  ConversationsRepository,
  HistoryRange,
  MediaObjectRow,
  MediaObjectsRepository,
  MembersRepository,
  MessagesRepository,
  ReceiptRow,
  ReceiptsRepository,
  Repositories,
  UserConversationRow,
  UserConversationsRepository,
} from "./ports.ts";
import { MemoryMessageChanges } from "./memory-changes.ts";

function nested<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (!inner) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}

export class MemoryMessages implements MessagesRepository {
  private readonly rows = new Map<string, Map<number, Message>>();
  /** Content a delete made final (Cassandra: cells written at the FINAL write timestamp). */
  private readonly final = new Map<string, Message["content"]>();

  async insert(message: Message): Promise<void> {
    let rows = this.rows.get(message.conversationId);
    if (!rows) {
      rows = new Map();
      this.rows.set(message.conversationId, rows);
    }
    const content = this.final.get(`${message.conversationId}\u0000${message.seq}`);
    rows.set(message.seq, structuredClone(content ? { ...message, content } : message));
  }

  /** Sets a row's content for good: later inserts of the row (replays) keep it. */
  async finalize(conversationId: ConversationId, seq: number, content: Message["content"]) {
    this.final.set(`${conversationId}\u0000${seq}`, content);
    const row = this.rows.get(conversationId)?.get(seq);
    if (row) row.content = structuredClone(content);
  }

  async get(conversationId: ConversationId, seq: number): Promise<Message | null> {
    const message = this.rows.get(conversationId)?.get(seq);
    return message ? structuredClone(message) : null;
  }

  async page(conversationId: ConversationId, range: HistoryRange) {
    const after = range.after ?? 0;
    const before = range.before ?? Number.POSITIVE_INFINITY;
    const inRange = [...(this.rows.get(conversationId)?.values() ?? [])]
      .filter((m) => m.seq > after && m.seq < before)
      .sort((a, b) => a.seq - b.seq);
    const forward = range.after !== undefined;
    const messages = forward ? inRange.slice(0, range.limit) : inRange.slice(-range.limit);
    return { messages: structuredClone(messages), hasMore: inRange.length > range.limit };
  }
}

/**
 * Last-write-wins by version, as Cassandra resolves cells by write timestamp: a strictly newer
 * version replaces; on a tie Cassandra keeps the greater value, which `tieBreak` picks.
 */
function lww<T>(
  stored: { value: T; version: number } | undefined,
  value: T,
  version: number,
  tieBreak: (a: T, b: T) => T = (_a, b) => b,
): { value: T; version: number } {
  if (!stored || version > stored.version) return { value, version };
  if (version === stored.version) return { value: tieBreak(stored.value, value), version };
  return stored;
}

export class MemoryConversations implements ConversationsRepository {
  private readonly rows = new Map<string, ConversationRow>();

  async get(conversationId: ConversationId): Promise<ConversationRow | null> {
    const row = this.rows.get(conversationId);
    return row ? structuredClone(row) : null;
  }

  async put(row: ConversationRow): Promise<void> {
    const stored = this.rows.get(row.conversationId);
    if (stored && stored.membersAsOfSeq > row.membersAsOfSeq) return;
    this.rows.set(row.conversationId, structuredClone(row));
  }
}

export class MemoryMembers implements MembersRepository {
  /** null is a tombstone: a removal at that version shadows older writes, as in Cassandra. */
  private readonly rows = new Map<string, Map<string, { value: Member | null; version: number }>>();

  async list(conversationId: ConversationId): Promise<Member[]> {
    return [...(this.rows.get(conversationId)?.values() ?? [])]
      .flatMap((cell) => (cell.value ? [structuredClone(cell.value)] : []))
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
  }

  async get(conversationId: ConversationId, userId: UserId): Promise<Member | null> {
    const member = this.rows.get(conversationId)?.get(userId)?.value;
    return member ? structuredClone(member) : null;
  }

  async put(conversationId: ConversationId, member: Member, asOfSeq: number): Promise<void> {
    const rows = nested(this.rows, conversationId);
    // On a tie a tombstone wins, as Cassandra's does over a live cell.
    rows.set(
      member.userId,
      lww(rows.get(member.userId), structuredClone(member), asOfSeq, (a, b) =>
        a === null ? a : b,
      ),
    );
  }

  async remove(conversationId: ConversationId, userId: UserId, asOfSeq: number): Promise<void> {
    const rows = nested(this.rows, conversationId);
    rows.set(
      userId,
      lww(rows.get(userId), null, asOfSeq, () => null),
    );
  }
}

interface ListCells {
  kind?: "direct" | "group";
  joinedAt?: number;
  lastMessage?: { value: { seq: number; at: number }; version: number };
  lastRead?: { value: number; version: number };
}

export class MemoryUserConversations implements UserConversationsRepository {
  private readonly rows = new Map<string, Map<string, ListCells>>();
  /** Removal times: like a Cassandra row deletion, they shadow versioned writes made before them. */
  private readonly removedAt = new Map<string, number>();

  private toRow(userId: string, conversationId: string, cells: ListCells): UserConversationRow {
    const row: UserConversationRow = {
      userId,
      conversationId,
      lastMessageSeq: cells.lastMessage?.value.seq ?? 0,
      lastMessageAt: cells.lastMessage?.value.at ?? 0,
      lastReadSeq: cells.lastRead?.value ?? 0,
    };
    if (cells.kind !== undefined) row.kind = cells.kind;
    if (cells.joinedAt !== undefined) row.joinedAt = cells.joinedAt;
    return row;
  }

  async list(userId: UserId): Promise<UserConversationRow[]> {
    return [...(this.rows.get(userId)?.entries() ?? [])]
      .map(([conversationId, cells]) => this.toRow(userId, conversationId, cells))
      .sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1));
  }

  async get(userId: UserId, conversationId: ConversationId) {
    const cells = this.rows.get(userId)?.get(conversationId);
    return cells ? this.toRow(userId, conversationId, cells) : null;
  }

  private cells(userId: string, conversationId: string, version: number | null): ListCells | null {
    const removed = this.removedAt.get(`${userId}\n${conversationId}`);
    if (version !== null && removed !== undefined && version <= removed) return null;
    const rows = nested(this.rows, userId);
    let cells = rows.get(conversationId);
    if (!cells) {
      cells = {};
      rows.set(conversationId, cells);
    }
    return cells;
  }

  async join(row: {
    userId: UserId;
    conversationId: ConversationId;
    kind: "direct" | "group";
    joinedAt: number;
  }) {
    this.removedAt.delete(`${row.userId}\n${row.conversationId}`);
    const cells = this.cells(row.userId, row.conversationId, null)!;
    cells.kind = row.kind;
    cells.joinedAt = row.joinedAt;
  }

  async recordMessage(row: {
    userId: UserId;
    conversationId: ConversationId;
    lastMessageSeq: number;
    lastMessageAt: number;
  }) {
    const cells = this.cells(row.userId, row.conversationId, row.lastMessageAt);
    if (!cells) return;
    cells.lastMessage = lww(
      cells.lastMessage,
      { seq: row.lastMessageSeq, at: row.lastMessageAt },
      row.lastMessageAt,
      (a, b) => (b.seq > a.seq ? b : a),
    );
  }

  async recordRead(row: {
    userId: UserId;
    conversationId: ConversationId;
    lastReadSeq: number;
    at: number;
  }) {
    const cells = this.cells(row.userId, row.conversationId, row.at);
    if (!cells) return;
    cells.lastRead = lww(cells.lastRead, row.lastReadSeq, row.at, Math.max);
  }

  async remove(userId: UserId, conversationId: ConversationId): Promise<void> {
    this.rows.get(userId)?.delete(conversationId);
    this.removedAt.set(`${userId}\n${conversationId}`, Date.now());
  }
}

export class MemoryReceipts implements ReceiptsRepository {
  private readonly rows = new Map<string, Map<string, ReceiptRow>>();

  async get(conversationId: ConversationId, userId: UserId): Promise<ReceiptRow | null> {
    const row = this.rows.get(conversationId)?.get(userId);
    return row ? structuredClone(row) : null;
  }

  async list(conversationId: ConversationId): Promise<ReceiptRow[]> {
    return [...(this.rows.get(conversationId)?.values() ?? [])]
      .sort((a, b) => (a.userId < b.userId ? -1 : 1))
      .map((r) => structuredClone(r));
  }

  async put(row: ReceiptRow): Promise<void> {
    const rows = nested(this.rows, row.conversationId);
    const stored = rows.get(row.userId);
    if (!stored || row.updatedAt > stored.updatedAt) rows.set(row.userId, structuredClone(row));
    else if (row.updatedAt === stored.updatedAt) {
      stored.deliveredUpTo = Math.max(stored.deliveredUpTo, row.deliveredUpTo);
      stored.readUpTo = Math.max(stored.readUpTo, row.readUpTo);
    }
  }
}

export class MemoryMediaObjects implements MediaObjectsRepository {
  private readonly rows = new Map<string, MediaObjectRow>();

  async get(objectKey: string): Promise<MediaObjectRow | null> {
    const row = this.rows.get(objectKey);
    return row ? structuredClone(row) : null;
  }

  async put(row: MediaObjectRow): Promise<void> {
    this.rows.set(row.objectKey, structuredClone(row));
  }
}

export function memoryRepositories(): Repositories {
  const messages = new MemoryMessages();
  return {
    messages,
    messageChanges: new MemoryMessageChanges(messages),
    conversations: new MemoryConversations(),
    members: new MemoryMembers(),
    userConversations: new MemoryUserConversations(),
    receipts: new MemoryReceipts(),
    mediaObjects: new MemoryMediaObjects(),
  };
}
