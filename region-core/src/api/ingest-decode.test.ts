// The ingest body decoder: each event's value is exactly its JSON, also past non-ASCII text (the
// offsets are UTF-8 byte offsets), and bad bodies are the same typed errors the API answers with.
import { ChatError, type RegionEvent } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { batch, message, messageEvent } from "../../test/fixtures.ts";
import { decodeIngestBody, valuesOf } from "./ingest-decode.ts";

const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const text = (value: Uint8Array) => new TextDecoder().decode(value);

function textEvent(seq: number, body: string): RegionEvent {
  const m = message("g:a", seq);
  return { type: "message", message: { ...m, content: { kind: "text", text: body } } };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
  return "none";
}

describe("decodeIngestBody", () => {
  it("gives every event's JSON as its value, with non-ASCII text between ASCII ones", () => {
    const events = [
      textEvent(1, "plain"),
      textEvent(2, "héllo 👋 — ünïcode"),
      messageEvent("g:a", 3),
      textEvent(4, "日本語"),
    ];
    const input = batch("g:a", events);
    const decoded = decodeIngestBody(bytes(input));
    expect(decoded.batchId).toBe(input.batchId);
    expect(decoded.conversationId).toBe("g:a");
    expect(valuesOf(decoded).map(text)).toEqual(events.map((event) => JSON.stringify(event)));
  });

  it("refuses bodies that are not JSON, not a batch, too large or of another conversation", () => {
    expect(codeOf(() => decodeIngestBody(bytes("{")))).toBe("invalid_request");
    expect(codeOf(() => decodeIngestBody(bytes({ batchId: "x" })))).toBe("invalid_request");
    const stray = batch("g:a", [messageEvent("g:a", 1), messageEvent("g:b", 2)]);
    expect(codeOf(() => decodeIngestBody(bytes(stray)))).toBe("invalid_request");
    const tooLong = batch("g:a", [textEvent(1, "x".repeat(100_000))]);
    expect(codeOf(() => decodeIngestBody(bytes(tooLong)))).toBe("content_too_large");
  });
});
