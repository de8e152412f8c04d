// Identifiers the SDK makes itself: message ids that make resends idempotent, and request ids that
// correlate a reply frame with its request.
import { ClientMsgId, RequestId } from "@edge-chat/protocol";

/** A fresh client message id: a random UUID, which fits ClientMsgId's alphabet and length. */
export function newClientMsgId(): ClientMsgId {
  return ClientMsgId.parse(randomUuid());
}

let counter = 0;

/** A request id, unique within this page or process (the server only echoes it back). */
export function newRequestId(prefix = "r"): RequestId {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return RequestId.parse(`${prefix}${counter.toString(36)}-${randomUuid().slice(0, 8)}`);
}

/**
 * crypto.randomUUID exists only in secure contexts (https, localhost); a page served over plain
 * http on a LAN address still has getRandomValues, so build the same version-4 UUID from it.
 */
export function randomUuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
