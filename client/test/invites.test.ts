// Integration: invite links through the SDK against the real edge Worker in workerd: an admin
// creates a link, another user joins with it, the admin revokes it, and every refusal arrives as a
// typed ChatError.
import { ChatError } from "@edge-chat/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { ChatClient, fetchDevToken } from "../src/index.ts";
import { startEdge } from "./support/edge.ts";

const started = await startEdge();
if (!started.ok) console.warn(`[client invites] SKIPPED: ${started.reason}`);
const edge = started.ok ? started.edge : undefined;
afterAll(async () => {
  await edge?.dispose();
});

let run = 0;
async function user(name: string) {
  const userId = `${name}-${Date.now().toString(36)}-${++run}`;
  const token = await fetchDevToken(edge!.baseUrl, userId);
  return {
    userId,
    client: new ChatClient({ baseUrl: edge!.baseUrl, getToken: async () => token }),
  };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (error: unknown) => (error instanceof ChatError ? error.code : String(error)),
  );

describe.skipIf(!edge)("SDK: invite links", () => {
  it("create, join, list, revoke; refusals typed", async () => {
    const admin = await user("admin");
    const friend = await user("friend");
    const late = await user("late");
    const group = await admin.client.createGroup({ name: "invited", memberIds: [] });
    const invite = await admin.client.createInvite(group.conversationId, { maxUses: 5 });
    expect(await codeOf(friend.client.createInvite(group.conversationId))).toBe("not_found");

    const joined = await friend.client.joinByInvite(invite.token);
    expect(joined.members.map((m) => m.userId)).toContain(friend.userId);
    expect(await codeOf(friend.client.joinByInvite(invite.token))).toBe("conflict");
    expect(await codeOf(friend.client.createInvite(group.conversationId))).toBe("forbidden");
    expect((await admin.client.invites(group.conversationId))[0]).toMatchObject({
      inviteId: invite.inviteId,
      uses: 1,
      maxUses: 5,
    });

    await admin.client.revokeInvite(group.conversationId, invite.inviteId);
    expect(await codeOf(late.client.joinByInvite(invite.token))).toBe("not_found");
    const history = await friend.client.history(group.conversationId);
    expect(
      history.messages.map((m) => (m.content.kind === "system" ? m.content.system.event : "")),
    ).toEqual(["created", "invite_created", "joined_by_invite", "invite_revoked"]);
  });
});
