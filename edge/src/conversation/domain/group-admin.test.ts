import type { ChatError, Member } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { checkSendPolicy, DEFAULT_SETTINGS, planRole, planUpdate } from "./group-admin.ts";

const meta = { conversationId: "g:x", kind: "group" as const, name: "n", createdAt: 0 };
const admin: Member = { userId: "a", role: "admin", joinedAt: 0 };
const member: Member = { userId: "b", role: "member", joinedAt: 0 };
const code = (fn: () => unknown) => {
  try {
    fn();
    return "ok";
  } catch (error) {
    return (error as ChatError).code;
  }
};

describe("group admin rules", () => {
  it("an update records one event per changed field, and only admins update", () => {
    const plan = planUpdate(meta, DEFAULT_SETTINGS, admin, { name: "m", adminsOnly: true });
    expect(plan.events.map((e) => e.event)).toEqual(["renamed", "send_policy_set"]);
    expect(plan.meta.name).toBe("m");
    expect(plan.settings).toEqual({ description: undefined, adminsOnly: true });
    expect(code(() => planUpdate(meta, DEFAULT_SETTINGS, member, { name: "m" }))).toBe("forbidden");
    expect(code(() => planUpdate(meta, DEFAULT_SETTINGS, admin, { name: "n" }))).toBe("conflict");
    const direct = { ...meta, kind: "direct" as const };
    expect(code(() => planUpdate(direct, DEFAULT_SETTINGS, admin, { name: "m" }))).toBe(
      "forbidden",
    );
  });

  it("roles: admins change them, the last admin stays", () => {
    expect(planRole(meta, [admin, member], admin, "b", "admin").member.role).toBe("admin");
    expect(code(() => planRole(meta, [admin, member], admin, "a", "member"))).toBe("conflict");
    expect(code(() => planRole(meta, [admin, member], member, "a", "member"))).toBe("forbidden");
    expect(code(() => planRole(meta, [admin, member], admin, "z", "admin"))).toBe("not_found");
  });

  it("admin-only sending binds members of groups only", () => {
    const closed = { description: undefined, adminsOnly: true };
    expect(code(() => checkSendPolicy(meta, closed, member))).toBe("forbidden");
    expect(code(() => checkSendPolicy(meta, closed, admin))).toBe("ok");
    expect(code(() => checkSendPolicy(meta, DEFAULT_SETTINGS, member))).toBe("ok");
  });
});
