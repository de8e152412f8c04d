// Which conversation a region event belongs to. The edge batches one conversation's events, the
// region checks a batch against it, and Kafka keys records by it (so one conversation stays on one
// partition, in order): all of them ask this one function.
import type { ConversationId } from "./ids.ts";
import type { RegionEvent } from "./region.ts";

/** The conversation of an event: a message carries it inside, the other events at the top. */
export function conversationOfEvent(event: RegionEvent): ConversationId {
  return event.type === "message" ? event.message.conversationId : event.conversationId;
}
