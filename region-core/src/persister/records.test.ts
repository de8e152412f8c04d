import { ChatError } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { messageEvent } from "../../test/fixtures.ts";
import { decodeRecord, escalate } from "./records.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("decodeRecord", () => {
  it("decodes a valid event whose key is its conversation", () => {
    const event = messageEvent("g:x", 1);
    expect(decodeRecord("g:x", bytes(JSON.stringify(event)))).toEqual({ kind: "event", event });
  });

  it.each([
    ["an empty value", "g:x", null],
    ["invalid UTF-8", "g:x", new Uint8Array([0xff, 0xfe])],
    ["invalid JSON", "g:x", bytes("{nope")],
    ["a schema mismatch", "g:x", bytes(JSON.stringify({ type: "message", message: { seq: 0 } }))],
    ["an unknown type", "g:x", bytes(JSON.stringify({ type: "typing" }))],
    ["a key for another conversation", "g:y", bytes(JSON.stringify(messageEvent("g:x", 1)))],
  ])("calls %s poison", (_name, key, value) => {
    const decoded = decodeRecord(key, value);
    expect(decoded.kind).toBe("poison");
  });
});

describe("escalate (the dead-letter decision)", () => {
  it("keeps ChatErrors as they are: transient ones retry, permanent ones dead-letter", () => {
    const transient = new ChatError("unavailable", "timeout");
    const permanent = new ChatError("invalid_request", "bad");
    expect(escalate(transient, 99, 3)).toBe(transient);
    expect(escalate(permanent, 0, 3)).toBe(permanent);
  });

  it("retries unknown errors, then makes them permanent", () => {
    const bug = new TypeError("x is undefined");
    expect(escalate(bug, 0, 3)).toBe(bug);
    const final = escalate(bug, 2, 3);
    expect(final).toBeInstanceOf(ChatError);
    expect((final as ChatError).retriable).toBe(false);
  });
});
