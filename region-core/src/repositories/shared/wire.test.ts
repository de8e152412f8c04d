import { describe, expect, it } from "vitest";
import { parseWire, stringifyWire } from "./wire.ts";

describe("the embedded store's wire format", () => {
  it("keeps Maps (nested too) and leaves everything else as JSON has it", () => {
    const value = { result: new Map([[3, { text: "hi", reactions: new Map([["x", 1]]) }]]), n: 1 };
    const back = parseWire(stringifyWire(value)) as typeof value;
    expect(back.result).toBeInstanceOf(Map);
    expect(back.result.get(3)?.text).toBe("hi");
    expect(back.result.get(3)?.reactions.get("x")).toBe(1);
    expect(back.n).toBe(1);
    expect(parseWire(stringifyWire({ a: [1, "b", null] }))).toEqual({ a: [1, "b", null] });
  });
});
