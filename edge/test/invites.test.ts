// Invite links through the Worker: an admin creates one (a system message), anyone holding the
// token joins (membership plus `joined_by_invite`), an admin revokes it; each refusal is typed:
// non-admins forbidden, outsiders not_found, a wrong, revoked, expired or used-up token not_found,
// an existing member conflict.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, users } from "./support/client.ts";

const path = (id: string, rest = "") => `/v1/conversations/${encodeURIComponent(id)}${rest}`;
const join = (user: string, token: string) => api(user, "POST", "/v1/invites/join", { token });
const codeOf = (r: { status: number; body: { error?: { code: string } } }) => [
  r.status,
  r.body?.error?.code,
];

describe("invite links", () => {
  it("an admin creates a link, a stranger joins by it and everyone sees who joined", async () => {
    const [admin, member, stranger] = users(3);
    const id = await createGroup(admin!, [member!]);
    const sm = await connect(member!, id);
    const created = await api(admin!, "POST", path(id, "/invites"), {});
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ conversationId: id, createdBy: admin, uses: 0 });
    const { token, inviteId } = created.body;
    expect(token.split(".")[1]).toBe(inviteId);

    const joined = await join(stranger!, token);
    expect(joined.status).toBe(200);
    expect(joined.body.members.map((m: { userId: string }) => m.userId)).toContain(stranger);
    await sm.next("message", (f) => f.message.content.kind === "system" && f.message.seq === 3);
    expect(sm.of("message").map((f) => f.message.content)).toEqual([
      { kind: "system", system: { event: "invite_created", by: admin } },
      { kind: "system", system: { event: "joined_by_invite", userId: stranger } },
    ]);
    // The newcomer is a member like any other: they read and send.
    const history = await api(stranger!, "GET", path(id, "/messages"));
    expect(history.status).toBe(200);
    expect(codeOf(await join(stranger!, token))).toEqual([409, "conflict"]);
    const list = await api(admin!, "GET", path(id, "/invites"));
    expect(list.body.invites).toEqual([
      expect.objectContaining({ inviteId, uses: 1, revoked: false }),
    ]);
    expect(list.body.invites[0].token).toBeUndefined();
    sm.close();
  });

  it("refuses non-admins, outsiders, direct chats and bad bodies with typed errors", async () => {
    const [admin, member, outsider, peer] = users(4);
    const id = await createGroup(admin!, [member!]);
    expect(codeOf(await api(member!, "POST", path(id, "/invites"), {}))).toEqual([
      403,
      "forbidden",
    ]);
    expect(codeOf(await api(member!, "GET", path(id, "/invites")))).toEqual([403, "forbidden"]);
    expect(codeOf(await api(outsider!, "POST", path(id, "/invites"), {}))).toEqual([
      404,
      "not_found",
    ]);
    expect(codeOf(await api(admin!, "POST", path(id, "/invites"), { maxUses: 0 }))).toEqual([
      400,
      "invalid_request",
    ]);
    const direct = (await api(admin!, "POST", "/v1/conversations/direct", { peerId: peer })).body;
    expect(codeOf(await api(admin!, "POST", path(direct.conversationId, "/invites"), {}))).toEqual([
      403,
      "forbidden",
    ]);
    expect(codeOf(await join(outsider!, "not-a-token"))).toEqual([400, "invalid_request"]);
    const { token } = (await api(admin!, "POST", path(id, "/invites"), {})).body;
    const [gid, inviteId, secret] = token.split(".");
    const wrongSecret = `${gid}.${inviteId}.${secret.startsWith("A") ? "B" : "A"}${secret.slice(1)}`;
    expect(codeOf(await join(outsider!, wrongSecret))).toEqual([404, "not_found"]);
    expect(codeOf(await join(outsider!, `nosuchgroup.${inviteId}.${secret}`))).toEqual([
      404,
      "not_found",
    ]);
  });

  it("a revoked, used-up or expired link admits nobody", async () => {
    const [admin, a, b, c] = users(4);
    const id = await createGroup(admin!, []);
    const revoked = (await api(admin!, "POST", path(id, "/invites"), {})).body;
    expect(codeOf(await api(a!, "DELETE", path(id, `/invites/${revoked.inviteId}`)))).toEqual([
      404,
      "not_found",
    ]);
    expect((await api(admin!, "DELETE", path(id, `/invites/${revoked.inviteId}`))).status).toBe(
      204,
    );
    expect(codeOf(await api(admin!, "DELETE", path(id, `/invites/${revoked.inviteId}`)))).toEqual([
      409,
      "conflict",
    ]);
    const refusedRevoked = await join(a!, revoked.token);
    expect(codeOf(refusedRevoked)).toEqual([404, "not_found"]);
    expect(refusedRevoked.body.error.message).toMatch(/revoked/);

    const once = (await api(admin!, "POST", path(id, "/invites"), { maxUses: 1 })).body;
    expect((await join(a!, once.token)).status).toBe(200);
    expect(codeOf(await join(b!, once.token))).toEqual([404, "not_found"]);

    const expiring = (await api(admin!, "POST", path(id, "/invites"), { expiresInMs: 60_000 }))
      .body;
    expect(expiring.expiresAt).toBeGreaterThan(expiring.createdAt);
    // Move the expiry into the past instead of waiting for it.
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec(
        "UPDATE invites SET expires_at = 1 WHERE invite_id = ?",
        expiring.inviteId,
      );
    });
    const refusedExpired = await join(c!, expiring.token);
    expect(codeOf(refusedExpired)).toEqual([404, "not_found"]);
    expect(refusedExpired.body.error.message).toMatch(/expired/);

    const events = (await api(admin!, "GET", path(id, "/messages"))).body.messages.map(
      (m: { content: { system?: { event: string } } }) => m.content.system?.event,
    );
    expect(events).toEqual([
      "created",
      "invite_created",
      "invite_revoked",
      "invite_created",
      "joined_by_invite",
      "invite_created",
    ]);
  });
});
