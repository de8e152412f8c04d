import { describe, expect, it } from "vitest";
import { advance, statusChanges, statusWatermarks } from "./receipts.ts";

const r = (userId: string, deliveredUpTo: number, readUpTo: number) => ({
  userId,
  deliveredUpTo,
  readUpTo,
});

describe("receipts", () => {
  it("only moves forward, read implies delivered, clamps to lastSeq", () => {
    expect(advance(r("a", 5, 3), "delivered", 4, 10)).toBeNull();
    expect(advance(r("a", 5, 3), "read", 8, 10)).toEqual(r("a", 8, 8));
    expect(advance(r("a", 0, 0), "delivered", 99, 10)).toEqual(r("a", 10, 0));
    expect(advance(r("a", 10, 10), "read", 99, 10)).toBeNull();
  });

  it("direct: status is the peer's watermark", () => {
    const w = statusWatermarks([r("a", 4, 2), r("b", 7, 6)]);
    expect(w.get("a")).toEqual({ delivered: 7, read: 6 });
    expect(w.get("b")).toEqual({ delivered: 4, read: 2 });
  });

  it("group: status is the minimum over the other members", () => {
    const w = statusWatermarks([r("a", 9, 9), r("b", 5, 1), r("c", 7, 3)]);
    expect(w.get("a")).toEqual({ delivered: 5, read: 1 });
    expect(w.get("b")).toEqual({ delivered: 7, read: 3 });
    expect(w.get("c")).toEqual({ delivered: 5, read: 1 });
  });

  it("a member alone sees 0", () => {
    expect(statusWatermarks([r("a", 3, 3)]).get("a")).toEqual({ delivered: 0, read: 0 });
  });

  it("emits a change only for members whose status moved", () => {
    const before = [r("a", 9, 9), r("b", 5, 1), r("c", 7, 3)];
    const after = [r("a", 9, 9), r("b", 8, 8), r("c", 7, 3)];
    expect(statusChanges(before, after)).toEqual([
      { userId: "a", status: "delivered", upToSeq: 7 },
      { userId: "a", status: "read", upToSeq: 3 },
      { userId: "c", status: "delivered", upToSeq: 8 },
      { userId: "c", status: "read", upToSeq: 8 },
    ]);
  });

  it("with members' own newest seqs, tells only those the move can cover a message of", () => {
    const before = [r("a", 9, 9), r("b", 5, 1), r("c", 7, 3)];
    const after = [r("a", 9, 9), r("b", 8, 8), r("c", 7, 3)];
    // a's newest is 6: past its old statuses (delivered 5, read 1), so both moves count; c's
    // newest is 1, covered by its old statuses (delivered 5, read 1): nothing.
    const own: Record<string, number> = { a: 6, b: 9, c: 1 };
    expect(statusChanges(before, after, (u) => own[u] ?? 0)).toEqual([
      { userId: "a", status: "delivered", upToSeq: 7 },
      { userId: "a", status: "read", upToSeq: 3 },
    ]);
    // A member who never sent is told nothing.
    expect(statusChanges(before, after, (u) => (u === "c" ? 0 : own[u]!))).toEqual([
      { userId: "a", status: "delivered", upToSeq: 7 },
      { userId: "a", status: "read", upToSeq: 3 },
    ]);
    // c's newest is 2: past its old read status (1) but not its delivered one (5), so only the
    // read move (to 8) is told.
    own.c = 2;
    expect(statusChanges(before, after, (u) => own[u] ?? 0)).toEqual([
      { userId: "a", status: "delivered", upToSeq: 7 },
      { userId: "a", status: "read", upToSeq: 3 },
      { userId: "c", status: "read", upToSeq: 8 },
    ]);
  });
});
