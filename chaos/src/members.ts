// The stream's users: direct conversations of two SDK members each, over real WebSockets to the
// edge. Every socket the SDK opens is tracked, so a scenario can drop them all at once (a reconnect
// storm) the way a network blip would, without the SDK knowing it was staged.
import { randomUUID } from "node:crypto";
import { ChatClient, type ConversationSession, fetchDevToken } from "@edge-chat/client";
import { until } from "@edge-chat/e2e";
import type { Message } from "@edge-chat/protocol";

const live = new Set<WebSocket>();

class TrackedWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    live.add(this);
    this.addEventListener("close", () => live.delete(this));
  }
}

/** Closes every client socket at once (code 3000: a transport event, so the SDK reconnects). */
export function dropAllSockets(): number {
  const sockets = [...live];
  for (const ws of sockets) {
    try {
      ws.close(3000, "chaos: dropped");
    } catch {
      // Already closing.
    }
  }
  return sockets.length;
}

export interface Member {
  userId: string;
  client: ChatClient;
  session: ConversationSession;
  /** What this member's session delivered, in delivery order. */
  seen: Message[];
}

export interface Conversation {
  id: string;
  members: [Member, Member];
}

async function member(baseUrl: string, label: string): Promise<Omit<Member, "session" | "seen">> {
  const userId = `${label}-${randomUUID().slice(0, 8)}`;
  const token = await fetchDevToken(baseUrl, userId);
  return {
    userId,
    client: new ChatClient({
      baseUrl,
      getToken: async () => token,
      WebSocketImpl: TrackedWebSocket,
    }),
  };
}

function open(m: Omit<Member, "session" | "seen">, conversationId: string): Member {
  const session = m.client.open(conversationId, { heartbeatMs: 5_000 });
  const seen: Message[] = [];
  session.on("message", (message) => seen.push(message));
  return { ...m, session, seen };
}

/** `count` direct conversations with both members connected. */
export async function conversations(
  baseUrl: string,
  label: string,
  count: number,
): Promise<Conversation[]> {
  const made: Conversation[] = [];
  for (let i = 0; i < count; i++) {
    const a = await member(baseUrl, `${label}${i}a`);
    const b = await member(baseUrl, `${label}${i}b`);
    const { conversationId } = await a.client.createDirect(b.userId);
    const members: [Member, Member] = [open(a, conversationId), open(b, conversationId)];
    await until(
      () => members.every((m) => m.session.state === "open"),
      `${conversationId}'s sessions to open`,
    );
    made.push({ id: conversationId, members });
  }
  return made;
}

export function closeAll(list: readonly Conversation[]): void {
  for (const c of list) for (const m of c.members) m.session.close();
}
