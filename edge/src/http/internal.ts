// The contract between the Worker and a ConversationDO: internal paths and the headers the Worker
// sets itself after authentication (any incoming copy is stripped, so a client cannot forge them).
import { clientLocationFromCf } from "@edge-chat/geo-router";
import type { ConversationId, UserId } from "@edge-chat/protocol";

export const USER_HEADER = "x-edge-user";
export const CONVERSATION_HEADER = "x-edge-conversation";
/** The caller's location from request.cf (JSON ClientLocation), for the outbox's region choice. */
export const LOCATION_HEADER = "x-edge-location";
const INTERNAL_ORIGIN = "https://conversation.internal";

/** Builds the request the Worker sends to the DO: same method/body, trusted headers replaced. */
export function internalRequest(
  original: Request,
  conversationId: ConversationId,
  path: string,
  userId: UserId | undefined,
  body?: unknown,
): Request {
  const url = new URL(original.url);
  const headers = new Headers(original.headers);
  headers.delete(USER_HEADER);
  headers.delete(CONVERSATION_HEADER);
  headers.delete(LOCATION_HEADER);
  headers.delete("Authorization");
  headers.set(CONVERSATION_HEADER, conversationId);
  if (userId !== undefined) headers.set(USER_HEADER, userId);
  const location = clientLocationFromCf((original as { cf?: unknown }).cf);
  if (Object.keys(location).length > 0) headers.set(LOCATION_HEADER, JSON.stringify(location));
  const init: RequestInit = { method: original.method, headers };
  if (body !== undefined) {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(body);
  } else if (original.method !== "GET" && original.method !== "HEAD") {
    init.body = original.body;
  }
  return new Request(`${INTERNAL_ORIGIN}/internal${path}${url.search}`, init);
}
