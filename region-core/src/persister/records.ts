// Pure decisions about consumed records: decode one into a RegionEvent or call it poison, and decide
// what a failure while applying it means (retry, or dead-letter). No I/O here.
import {
  ChatError,
  conversationOfEvent,
  parseJson,
  parseWith,
  RegionEvent,
} from "@edge-chat/protocol";

export type Decoded = { kind: "event"; event: RegionEvent } | { kind: "poison"; reason: string };

const decoder = new TextDecoder("utf-8", { fatal: true });

export function decodeRecord(key: string | null, value: Uint8Array | null): Decoded {
  if (value === null || value.length === 0) return { kind: "poison", reason: "empty record" };
  let text: string;
  try {
    text = decoder.decode(value);
  } catch {
    return { kind: "poison", reason: "value is not UTF-8" };
  }
  let event: RegionEvent;
  try {
    event = parseWith(RegionEvent, parseJson(text));
  } catch (error) {
    return { kind: "poison", reason: error instanceof Error ? error.message : "invalid event" };
  }
  // The record key must be the event's conversation (the partition keeps that conversation's order).
  if (key !== conversationOfEvent(event)) {
    return { kind: "poison", reason: `key ${key ?? "(none)"} is not the event's conversation` };
  }
  return { kind: "event", event };
}

/**
 * Turns a failure into what withRetry should see. ChatErrors already say whether they are
 * retriable (storage adapters map transient driver errors to `unavailable`, permanent ones to
 * `invalid_request`). An unknown error (a bug, an unexpected driver error) is retried a few times,
 * then escalated to a permanent failure so it goes to the dead-letter topic instead of blocking the
 * partition forever.
 */
export function escalate(error: unknown, attempt: number, maxUnknownAttempts: number): unknown {
  if (error instanceof ChatError) return error;
  if (attempt + 1 < maxUnknownAttempts) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ChatError("invalid_request", `failed ${attempt + 1} times: ${detail}`, {
    cause: error,
  });
}
