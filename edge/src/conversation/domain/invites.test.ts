import { describe, expect, it } from "vitest";
import { type InviteRecord, inviteRefusal, planCreate, planJoin, sameHash } from "./invites.ts";
import type { ConversationMeta } from "./membership.ts";

const meta: ConversationMeta = { conversationId: "g:x", kind: "group", name: "g", createdAt: 0 };
const admin = { userId: "a", role: "admin" as const, joinedAt: 0 };
const member = { userId: "m", role: "member" as const, joinedAt: 0 };
const ids = { inviteId: "inv12345", secretHash: "ab" };

describe("invite rules", () => {
  it("only group admins create; limits become an absolute expiry and a use count", () => {
    const { invite, event } = planCreate(meta, admin, { expiresInMs: 5000, maxUses: 2 }, ids, 100);
    expect(invite).toMatchObject({ expiresAt: 5100, maxUses: 2, uses: 0, revoked: false });
    expect(event).toEqual({ event: "invite_created", by: "a" });
    expect(() => planCreate(meta, member, {}, ids, 0)).toThrow(/only admins/);
    expect(() => planCreate({ ...meta, kind: "direct" }, admin, {}, ids, 0)).toThrow(/direct/);
  });

  it("a token stops admitting when revoked, expired or used up", () => {
    const base: InviteRecord = planCreate(
      meta,
      admin,
      { expiresInMs: 1000, maxUses: 1 },
      ids,
      0,
    ).invite;
    expect(inviteRefusal(base, 999)).toBeNull();
    expect(inviteRefusal(base, 1000)).toMatch(/expired/);
    expect(inviteRefusal({ ...base, uses: 1 }, 0)).toMatch(/used up/);
    expect(inviteRefusal({ ...base, revoked: true }, 0)).toMatch(/revoked/);
  });

  it("a join needs the group, the invite and its secret; members get conflict", () => {
    const { invite } = planCreate(meta, admin, {}, ids, 0);
    expect(planJoin(meta, [admin], invite, true, "n", 5)).toEqual({
      member: { userId: "n", role: "member", joinedAt: 5 },
      event: { event: "joined_by_invite", userId: "n" },
    });
    for (const [m, i, ok] of [
      [null, invite, true],
      [meta, undefined, true],
      [meta, invite, false],
    ] as const) {
      expect(() => planJoin(m, [admin], i, ok, "n", 5)).toThrow(/no such invite/);
    }
    expect(() => planJoin(meta, [admin, member], invite, true, "m", 5)).toThrow(/already/);
  });

  it("compares hashes whole", () => {
    expect(sameHash("abcd", "abcd")).toBe(true);
    expect(sameHash("abcd", "abce")).toBe(false);
    expect(sameHash("abc", "abcd")).toBe(false);
  });
});
