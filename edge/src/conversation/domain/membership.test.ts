import { ChatError } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { addMember, createGroup, directInit, removeMember, requireMember } from "./membership.ts";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ChatError ? e.code : "not a ChatError";
  }
  return "no error";
};

describe("membership", () => {
  const group = createGroup(
    "g:x",
    "alice",
    { name: "team", memberIds: ["bob", "alice", "bob"] },
    1,
  );

  it("creates a group with the creator as admin, deduplicated", () => {
    expect(group.members.map((m) => [m.userId, m.role])).toEqual([
      ["alice", "admin"],
      ["bob", "member"],
    ]);
    expect(group.event).toEqual({ event: "created", by: "alice", name: "team" });
  });

  it("direct conversations know their members from the id", () => {
    expect(directInit("d:a:b", 5)?.members.map((m) => m.userId)).toEqual(["a", "b"]);
    expect(directInit("g:x", 5)).toBeNull();
    expect(directInit("d:b:a", 5)).toBeNull();
    expect(directInit("d:a:a", 5)).toBeNull();
  });

  it("non-members get not_found", () => {
    expect(code(() => requireMember(group.members, "eve"))).toBe("not_found");
    expect(code(() => addMember(group.meta, group.members, "eve", "mallory", "member", 2))).toBe(
      "not_found",
    );
  });

  it("admins add and remove; members may not; members may leave", () => {
    expect(addMember(group.meta, group.members, "alice", "carol", "member", 2).event).toEqual({
      event: "member_added",
      by: "alice",
      userId: "carol",
    });
    expect(code(() => addMember(group.meta, group.members, "bob", "carol", "member", 2))).toBe(
      "forbidden",
    );
    expect(code(() => addMember(group.meta, group.members, "alice", "bob", "member", 2))).toBe(
      "conflict",
    );
    expect(removeMember(group.meta, group.members, "alice", "bob").event).toEqual({
      event: "member_removed",
      by: "alice",
      userId: "bob",
    });
    expect(code(() => removeMember(group.meta, group.members, "bob", "alice"))).toBe("forbidden");
    expect(removeMember(group.meta, group.members, "bob", "bob").event).toEqual({
      event: "member_left",
      userId: "bob",
    });
  });

  it("direct conversations cannot change members", () => {
    const direct = directInit("d:a:b", 1)!;
    expect(code(() => addMember(direct.meta, direct.members, "a", "c", "member", 2))).toBe(
      "forbidden",
    );
  });
});
