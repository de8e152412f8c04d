import { describe, expect, it } from "vitest";
import { member, membershipEvent } from "../../test/fixtures.ts";
import { planMembership } from "./merge.ts";

const conv = "g:team";

describe("planMembership", () => {
  it("ignores a snapshot older than the stored one", () => {
    const stored = {
      conversationId: conv,
      kind: "group" as const,
      createdAt: 1,
      membersAsOfSeq: 10,
    };
    expect(planMembership(stored, [], membershipEvent(conv, ["a"], 9))).toBeNull();
  });

  it("re-applies an equal snapshot (a replay) and removes members missing from it", () => {
    const stored = {
      conversationId: conv,
      kind: "group" as const,
      createdAt: 1,
      membersAsOfSeq: 10,
    };
    const plan = planMembership(
      stored,
      [member("a"), member("b"), member("c")],
      membershipEvent(conv, ["a", "b"], 10, ["z"]),
    );
    expect(plan?.upsert.map((m) => m.userId)).toEqual(["a", "b"]);
    expect(plan?.remove).toEqual(["c", "z"]);
    expect(plan?.conversation).toMatchObject({
      membersAsOfSeq: 10,
      kind: "group",
      name: "group 10",
    });
  });
});
