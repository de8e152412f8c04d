// In-memory repositories for ADAPTERS=embedded: the same ports as the Cassandra adapters, held to
// the same contract suite. Values are cloned on the way in and out, as a database would.
import {
  type ConversationId,
  type Member,
  type Message,
  mergeWatermarks,
  readPosition,
  type UserId,
} from "@edge-chat/protocol";
import type {
  ConversationRow,
  ConversationStateChange,
  ConversationsRepository,
  HistoryRange,
  MediaObjectRow,
  MediaObjectsRepository,
  MembersRepository,
  MemberState,
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

  async insertMany(messages: readonly Message[]): Promise<void> {
    for (const message of messages) await this.insert(message);
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

  async getMany(conversationIds: readonly ConversationId[]): Promise<ConversationRow[]> {
    return conversationIds.flatMap((id) => {
      const row = this.rows.get(id);
      return row ? [structuredClone(row)] : [];
    });
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

export class MemoryUserConversations implements UserConversationsRepository {
  private readonly rows = new Map<string, Map<string, UserConversationRow>>();

  async list(userId: UserId): Promise<UserConversationRow[]> {
    return [...(this.rows.get(userId)?.values() ?? [])]
      .sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1))
      .map((row) => structuredClone(row));
  }

  async get(userId: UserId, conversationId: ConversationId) {
    const row = this.rows.get(userId)?.get(conversationId);
    return row ? structuredClone(row) : null;
  }

  async join(row: {
    userId: UserId;
    conversationId: ConversationId;
    kind: "direct" | "group";
    joinedAt: number;
  }) {
    nested(this.rows, row.userId).set(row.conversationId, structuredClone(row));
  }

  async remove(userId: UserId, conversationId: ConversationId): Promise<void> {
    this.rows.get(userId)?.delete(conversationId);
  }
}

type Versioned<T> = { value: T; version: number };

/** One member's row of a conversation's state partition: each group of cells has its version. */
interface MemberCells {
  receipt?: Versioned<{ deliveredUpTo: number; readUpTo: number }>;
  sent?: Versioned<number>;
}

export class MemoryReceipts implements ReceiptsRepository {
  private readonly rows = new Map<string, Map<string, MemberCells>>();
  /** The static head of each conversation's partition. */
  private readonly heads = new Map<string, Versioned<{ seq: number; at: number }>>();

  private cells(conversationId: string, userId: string): MemberCells {
    const rows = nested(this.rows, conversationId);
    let cells = rows.get(userId);
    if (!cells) {
      cells = {};
      rows.set(userId, cells);
    }
    return cells;
  }

  private toReceipt(conversationId: string, userId: string, cells: MemberCells): ReceiptRow | null {
    if (!cells.receipt) return null;
    return {
      conversationId,
      userId,
      deliveredUpTo: cells.receipt.value.deliveredUpTo,
      readUpTo: cells.receipt.value.readUpTo,
      updatedAt: cells.receipt.version,
    };
  }

  async get(conversationId: ConversationId, userId: UserId): Promise<ReceiptRow | null> {
    const cells = this.rows.get(conversationId)?.get(userId);
    return cells ? this.toReceipt(conversationId, userId, cells) : null;
  }

  async list(conversationId: ConversationId): Promise<ReceiptRow[]> {
    return [...(this.rows.get(conversationId)?.entries() ?? [])]
      .flatMap(([userId, cells]) => {
        const row = this.toReceipt(conversationId, userId, cells);
        return row ? [row] : [];
      })
      .sort((a, b) => (a.userId < b.userId ? -1 : 1));
  }

  async put(row: ReceiptRow): Promise<void> {
    await this.record(row.conversationId, { receipts: [row] });
  }

  async record(conversationId: ConversationId, change: ConversationStateChange): Promise<void> {
    for (const userId of change.joined ?? []) this.cells(conversationId, userId);
    if (change.head) {
      const { lastMessageSeq: seq, lastMessageAt: at } = change.head;
      this.heads.set(
        conversationId,
        lww(this.heads.get(conversationId), { seq, at }, at, (a, b) => (b.seq > a.seq ? b : a)),
      );
    }
    for (const sent of change.sent ?? []) {
      const cells = this.cells(conversationId, sent.userId);
      cells.sent = lww(cells.sent, sent.upToSeq, sent.at, Math.max);
    }
    for (const row of change.receipts ?? []) {
      const cells = this.cells(conversationId, row.userId);
      const { deliveredUpTo, readUpTo } = row;
      cells.receipt = lww(
        cells.receipt,
        { deliveredUpTo, readUpTo },
        row.updatedAt,
        mergeWatermarks,
      );
    }
  }

  async memberState(conversationId: ConversationId, userId: UserId): Promise<MemberState | null> {
    const head = this.heads.get(conversationId)?.value;
    const cells = this.rows.get(conversationId)?.get(userId);
    if (!head && !cells) return null;
    return {
      conversationId,
      userId,
      lastMessageSeq: head?.seq ?? 0,
      lastMessageAt: head?.at ?? 0,
      lastReadSeq: readPosition(cells?.receipt?.value.readUpTo ?? 0, cells?.sent?.value ?? 0),
    };
  }

  async memberStates(
    userId: UserId,
    conversationIds: readonly ConversationId[],
  ): Promise<MemberState[]> {
    const states = await Promise.all(conversationIds.map((id) => this.memberState(id, userId)));
    return states.filter((state) => state !== null);
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
