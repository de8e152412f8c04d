// The ConversationDO that owns a conversation (idFromName(conversationId)), for the Worker's routes.
import { clientLocationFromCf, locationHintFor } from "@edge-chat/geo-router";
import type { ConversationId } from "@edge-chat/protocol";
import type { Env } from "../env.ts";

/**
 * `placeNear`: the creating request, whose location places a new conversation's object near its
 * creator (only the first get() of an object can place it; the platform ignores later hints, so
 * only the create routes give one).
 */
export function conversationOf(env: Env, conversationId: ConversationId, placeNear?: Request) {
  const id = env.CONVERSATIONS.idFromName(conversationId);
  const hint = placeNear
    ? locationHintFor(clientLocationFromCf((placeNear as { cf?: unknown }).cf))
    : undefined;
  return env.CONVERSATIONS.get(id, hint ? { locationHint: hint } : undefined);
}
