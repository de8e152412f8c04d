// Identifiers the SDK makes itself: message ids that make resends idempotent, and request ids that
// correlate a reply frame with its request.
import { ClientMsgId, RequestId } from "@edge-chat/protocol";

/** A fresh client message id: a random UUID, which fits ClientMsgId's alphabet and length. */
export function newClientMsgId(): ClientMsgId {
  return ClientMsgId.parse(crypto.randomUUID());
}

let counter = 0;

/** A request id, unique within this page or process (the server only echoes it back). */
export function newRequestId(prefix = "r"): RequestId {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return RequestId.parse(`${prefix}${counter.toString(36)}-${crypto.randomUUID().slice(0, 8)}`);
}
