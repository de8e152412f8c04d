import { describe, expect, it } from "vitest";
import { planSync } from "./sync.ts";

describe("planSync", () => {
  it("pages from afterSeq to the head", () => {
    expect(planSync({ afterSeq: 10, limit: 5, oldestSeq: 1, lastSeq: 12 })).toEqual({
      kind: "batch",
      fromSeq: 11,
      toSeq: 12,
      more: false,
    });
    expect(planSync({ afterSeq: 0, limit: 5, oldestSeq: 1, lastSeq: 12 })).toEqual({
      kind: "batch",
      fromSeq: 1,
      toSeq: 5,
      more: true,
    });
  });

  it("is empty and live when caught up or ahead", () => {
    expect(planSync({ afterSeq: 12, limit: 5, oldestSeq: 1, lastSeq: 12 })).toMatchObject({
      kind: "batch",
      toSeq: 12,
      more: false,
    });
    expect(planSync({ afterSeq: 50, limit: 5, oldestSeq: 1, lastSeq: 12 })).toMatchObject({
      kind: "batch",
      fromSeq: 13,
      toSeq: 12,
    });
  });

  it("reports a gap when the window no longer holds afterSeq + 1", () => {
    expect(planSync({ afterSeq: 3, limit: 5, oldestSeq: 10, lastSeq: 20 })).toEqual({
      kind: "gap",
      oldestSeq: 10,
    });
    expect(planSync({ afterSeq: 9, limit: 5, oldestSeq: 10, lastSeq: 20 }).kind).toBe("batch");
  });

  it("an empty conversation has nothing to sync", () => {
    expect(planSync({ afterSeq: 0, limit: 5, oldestSeq: 1, lastSeq: 0 })).toMatchObject({
      kind: "batch",
      toSeq: 0,
      more: false,
    });
  });
});
