import { describe, expect, it } from "vitest";
import { ConversationId, directConversationId, directMembers, UserId } from "./ids.ts";

describe("direct conversation ids", () => {
  it("are the same whichever member starts and round-trip to the members", () => {
    const id = directConversationId("bob", "alice");
    expect(id).toBe(directConversationId("alice", "bob"));
    expect(ConversationId.parse(id)).toBe("d:alice:bob");
    expect(directMembers(id)).toEqual(["alice", "bob"]);
    expect(directMembers("g:team")).toBeNull();
  });

  it("cannot be forged from user ids, which may not contain the separator", () => {
    expect(UserId.safeParse("a:b").success).toBe(false);
    expect(ConversationId.safeParse("d:a:b:c").success).toBe(false);
  });
});
