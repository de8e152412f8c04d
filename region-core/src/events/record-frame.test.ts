import { describe, expect, it } from "vitest";
import type { OutgoingRecord } from "./ports.ts";
import { decodeFrame, encodeFrame } from "./record-frame.ts";

const text = (value: Uint8Array | string | null) =>
  value === null ? null : typeof value === "string" ? value : new TextDecoder().decode(value);

describe("record frames", () => {
  it("round-trips keys, headers, string, binary, empty and null values in order", () => {
    const records: OutgoingRecord[] = [
      { key: "g:a", value: '{"t":"héllo ✓ 𝄞"}', headers: { "x-batch-id": "b1" } },
      { key: "g:b", value: new Uint8Array([0, 1, 2, 255]) },
      { key: "g:c", value: "" },
      { key: "g:d", value: null, headers: { a: "1", b: "2" } },
      { key: "g:e", value: "last" },
    ];
    const frame = encodeFrame("events", records);
    expect(frame.topic).toBe("events");
    const back = decodeFrame(frame);
    expect(back.map((r) => r.key)).toEqual(["g:a", "g:b", "g:c", "g:d", "g:e"]);
    expect(back.map((r) => r.headers)).toEqual([
      { "x-batch-id": "b1" },
      undefined,
      undefined,
      { a: "1", b: "2" },
      undefined,
    ]);
    expect(text(back[0]!.value)).toBe('{"t":"héllo ✓ 𝄞"}');
    expect([...(back[1]!.value as Uint8Array)]).toEqual([0, 1, 2, 255]);
    expect(text(back[2]!.value)).toBe("");
    expect(back[3]!.value).toBeNull();
    expect(text(back[4]!.value)).toBe("last");
  });

  it("puts every value in one transferable buffer, decoded as views without copies", () => {
    const frame = encodeFrame("t", [
      { key: "k", value: "abc" },
      { key: "k", value: "de" },
    ]);
    const [first, second] = decodeFrame(frame);
    expect((first!.value as Uint8Array).buffer).toBe(frame.bytes);
    expect((second!.value as Uint8Array).byteOffset).toBe(3);
  });

  it("survives a structured clone with the buffer transferred", () => {
    const frame = encodeFrame("t", [{ key: "k", value: "x".repeat(1000) }]);
    const moved = structuredClone(frame, { transfer: [frame.bytes] });
    expect(frame.bytes.byteLength).toBe(0);
    expect(text(decodeFrame(moved)[0]!.value)).toBe("x".repeat(1000));
  });
});
