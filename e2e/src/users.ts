// A signed-in SDK user against a running edge: one ChatClient (real fetch and WebSocket), with what
// each of its sessions delivered recorded, so tests and benchmarks can compare views.
import { randomUUID } from "node:crypto";
import {
  ChatClient,
  type ConversationSession,
  fetchDevToken,
  type Message,
  type SendAck,
  type SessionOptions,
} from "@edge-chat/client";
import { until } from "./ports.ts";

export interface ChatUser {
  userId: string;
  client: ChatClient;
  /** Messages delivered to this user's sessions, in delivery order, per conversation. */
  messages: Map<string, Message[]>;
  acks: SendAck[];
  open(conversationId: string, options?: SessionOptions): Promise<ConversationSession>;
  closeAll(): void;
}

/** A user with a unique id (`<name>-<random>`), holding a dev token from the edge. */
export async function chatUser(baseUrl: string, name: string): Promise<ChatUser> {
  const userId = `${name}-${randomUUID().slice(0, 8)}`;
  const token = await fetchDevToken(baseUrl, userId);
  const client = new ChatClient({ baseUrl, getToken: async () => token });
  const messages = new Map<string, Message[]>();
  const acks: SendAck[] = [];
  const sessions: ConversationSession[] = [];
  return {
    userId,
    client,
    messages,
    acks,
    async open(conversationId, options = {}) {
      const session = client.open(conversationId, { heartbeatMs: 0, ...options });
      sessions.push(session);
      const seen = messages.get(conversationId) ?? [];
      messages.set(conversationId, seen);
      session.on("message", (message) => seen.push(message));
      session.on("ack", (ack) => acks.push(ack));
      await until(() => session.state === "open", `${userId}'s session to open`);
      return session;
    },
    closeAll() {
      for (const session of sessions.splice(0)) session.close();
    },
  };
}
