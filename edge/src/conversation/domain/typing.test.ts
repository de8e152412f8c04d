import { describe, expect, it } from "vitest";
import { expiredTypists, nextTypingExpiry } from "./typing.ts";

describe("typing", () => {
  it("a user expires only when every typing device has lapsed", () => {
    const entries = [
      { userId: "a", typingUntil: 100 },
      { userId: "a", typingUntil: 300 },
      { userId: "b", typingUntil: 150 },
      { userId: "c", typingUntil: undefined },
    ];
    expect(expiredTypists(entries, 200)).toEqual(["b"]);
    expect(expiredTypists(entries, 300).sort()).toEqual(["a", "b"]);
    expect(nextTypingExpiry(entries)).toBe(100);
    expect(nextTypingExpiry([{ userId: "c", typingUntil: undefined }])).toBeUndefined();
  });
});
