// The slice of the WebSocket API the session uses, so browsers' and Node's global WebSocket fit and
// unit tests can pass a fake; and the URLs of a conversation's socket and of the inbox socket.
import { type ConversationId, PROTOCOL_VERSION, type Watermark } from "@edge-chat/protocol";

export type WebSocketLike = Pick<
  WebSocket,
  "readyState" | "send" | "close" | "onopen" | "onmessage" | "onclose" | "onerror"
>;

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** WebSocket.OPEN, spelled out because fakes need not carry the static constants. */
export const OPEN = 1;

export function conversationSocketUrl(
  baseUrl: string,
  conversationId: ConversationId,
  ticket: string,
  since: Watermark,
): string {
  const url = new URL(`${baseUrl}/v1/conversations/${encodeURIComponent(conversationId)}/ws`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("ticket", ticket);
  url.searchParams.set("v", String(PROTOCOL_VERSION));
  url.searchParams.set("since", String(since));
  return url.toString();
}

export function inboxSocketUrl(baseUrl: string, ticket: string): string {
  const url = new URL(`${baseUrl}/v1/inbox/ws`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("ticket", ticket);
  url.searchParams.set("v", String(PROTOCOL_VERSION));
  return url.toString();
}
