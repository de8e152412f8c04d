// The contract between the Worker and a ConversationDO. Calls are typed RPC that name their caller
// (rpc.ts's Caller, built here from what the Worker authenticated); only the WebSocket upgrade is a
// request, carrying the same facts in headers the Worker sets itself (any incoming copy is
// replaced, so a client cannot forge them).
import { type ClientLocation, clientLocationFromCf } from "@edge-chat/geo-router";
import { ChatError, ConversationId, parseWith, UserId } from "@edge-chat/protocol";
import type { Caller } from "../conversation/rpc.ts";

export const USER_HEADER = "x-edge-user";
export const CONVERSATION_HEADER = "x-edge-conversation";
/** The caller's location from request.cf (JSON ClientLocation): the region outbox's region choice. */
export const LOCATION_HEADER = "x-edge-location";
const INTERNAL_ORIGIN = "https://conversation.internal";

/** Where the request came from, when the platform says (empty locally). */
function locationOf(original: Request): ClientLocation | undefined {
  const location = clientLocationFromCf((original as { cf?: unknown }).cf);
  return Object.keys(location).length > 0 ? location : undefined;
}

/** The caller of an RPC on the conversation: the authenticated user and where they are. */
export function callerOf(
  original: Request,
  conversationId: ConversationId,
  userId: UserId,
): Caller {
  const location = locationOf(original);
  return location ? { conversationId, userId, location } : { conversationId, userId };
}

/** The upgrade the Worker sends to the DO: the client's upgrade with the trusted headers set. */
export function upgradeRequest(
  original: Request,
  conversationId: ConversationId,
  userId: UserId | undefined,
): Request {
  const url = new URL(original.url);
  const headers = new Headers(original.headers);
  headers.delete(USER_HEADER);
  headers.delete(LOCATION_HEADER);
  headers.delete("Authorization");
  headers.set(CONVERSATION_HEADER, conversationId);
  if (userId !== undefined) headers.set(USER_HEADER, userId);
  const location = locationOf(original);
  if (location) headers.set(LOCATION_HEADER, JSON.stringify(location));
  return new Request(`${INTERNAL_ORIGIN}/ws${url.search}`, { method: "GET", headers });
}

/** The DO's reading of an upgrade's trusted headers; no user means the upgrade carries a ticket. */
export function upgradeCaller(request: Request): {
  conversationId: ConversationId;
  userId: UserId | undefined;
  location: ClientLocation | undefined;
} {
  const conversationId = ConversationId.safeParse(request.headers.get(CONVERSATION_HEADER));
  if (!conversationId.success) throw new ChatError("not_found", "conversation not found");
  const user = request.headers.get(USER_HEADER);
  let location: ClientLocation | undefined;
  try {
    const header = request.headers.get(LOCATION_HEADER);
    if (header !== null) location = JSON.parse(header) as ClientLocation;
  } catch {
    // Only the Worker sets this header; a bad value just leaves the old location.
  }
  return {
    conversationId: conversationId.data,
    userId: user === null ? undefined : parseWith(UserId, user),
    location,
  };
}
