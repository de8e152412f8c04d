// In-memory repositories for ADAPTERS=embedded: the same ports as the Cassandra adapters, held to
// the same contract suite. Values are cloned on the way in and out, as a database would.
import type { ConversationId, Member, Message, UserId } from "@edge-chat/protocol";
import type {
  ConversationRow,
  ConversationsRepository,
  HistoryRange,
  MembersRepository,
  MessagesRepository,
  ReceiptRow,
  ReceiptsRepository,
  Repositories,
  UserConversationRow,
  UserConversationsRepository,
} from "./ports.ts";

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

  async insert(message: Message): Promise<void> {
    let rows = this.rows.get(message.conversationId);
    if (!rows) {
      rows = new Map();
      this.rows.set(message.conversationId, rows);
    }
    rows.set(message.seq, structuredClone(message));
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

export class MemoryConversations implements ConversationsRepository {
  private readonly rows = new Map<string, ConversationRow>();

  async get(conversationId: ConversationId): Promise<ConversationRow | null> {
    const row = this.rows.get(conversationId);
    return row ? structuredClone(row) : null;
  }

  async put(row: ConversationRow): Promise<void> {
    this.rows.set(row.conversationId, structuredClone(row));
  }
}

export class MemoryMembers implements MembersRepository {
  private readonly rows = new Map<string, Map<string, Member>>();

  async list(conversationId: ConversationId): Promise<Member[]> {
    return [...(this.rows.get(conversationId)?.values() ?? [])]
      .sort((a, b) => (a.userId < b.userId ? -1 : 1))
      .map((m) => structuredClone(m));
  }

  async get(conversationId: ConversationId, userId: UserId): Promise<Member | null> {
    const member = this.rows.get(conversationId)?.get(userId);
    return member ? structuredClone(member) : null;
  }

  async put(conversationId: ConversationId, member: Member): Promise<void> {
    nested(this.rows, conversationId).set(member.userId, structuredClone(member));
  }

  async remove(conversationId: ConversationId, userId: UserId): Promise<void> {
    this.rows.get(conversationId)?.delete(userId);
  }
}

export class MemoryUserConversations implements UserConversationsRepository {
  private readonly rows = new Map<string, Map<string, UserConversationRow>>();

  async list(userId: UserId): Promise<UserConversationRow[]> {
    return [...(this.rows.get(userId)?.values() ?? [])]
      .sort((a, b) => (a.conversationId < b.conversationId ? -1 : 1))
      .map((r) => structuredClone(r));
  }

  async get(userId: UserId, conversationId: ConversationId) {
    const row = this.rows.get(userId)?.get(conversationId);
    return row ? structuredClone(row) : null;
  }

  async put(row: UserConversationRow): Promise<void> {
    nested(this.rows, row.userId).set(row.conversationId, structuredClone(row));
  }

  async remove(userId: UserId, conversationId: ConversationId): Promise<void> {
    this.rows.get(userId)?.delete(conversationId);
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
    nested(this.rows, row.conversationId).set(row.userId, structuredClone(row));
  }
}

export function memoryRepositories(): Repositories {
  return {
    messages: new MemoryMessages(),
    conversations: new MemoryConversations(),
    members: new MemoryMembers(),
    userConversations: new MemoryUserConversations(),
    receipts: new MemoryReceipts(),
  };
}
