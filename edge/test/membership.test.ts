// Group membership over HTTP: admins add and remove, members leave, non-admins are refused, and
// every change is a system message in the ordered stream that connected members see.
import { directConversationId } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, users } from "./support/client.ts";

describe("group membership", () => {
  it("create, add, remove, leave — each a system message in order", async () => {
    const [admin, bob, carol, dave] = users(4);
    const id = await createGroup(admin!, [bob!]);
    const created = await api(admin!, "GET", `/v1/conversations/${id}`);
    expect(created.body).toMatchObject({ kind: "group", lastSeq: 1 });
    expect(
      created.body.members.map((m: { userId: string; role: string }) => [m.userId, m.role]),
    ).toEqual([
      [admin, "admin"],
      [bob, "member"],
    ]);
    const sBob = await connect(bob!, id);

    const added = await api(admin!, "POST", `/v1/conversations/${id}/members`, { userId: carol });
    expect(added.status).toBe(201);
    expect(added.body.members).toHaveLength(3);
    expect((await sBob.next("message")).message.content).toEqual({
      kind: "system",
      system: { event: "member_added", by: admin, userId: carol },
    });
    expect(
      (await api(admin!, "POST", `/v1/conversations/${id}/members`, { userId: carol })).body.error
        .code,
    ).toBe("conflict");
    // A plain member may not add or remove others.
    const refused = await api(bob!, "POST", `/v1/conversations/${id}/members`, { userId: dave });
    expect(refused.status).toBe(403);
    expect((await api(bob!, "DELETE", `/v1/conversations/${id}/members/${carol}`)).status).toBe(
      403,
    );

    // The new member can read and write; an outsider still cannot.
    const sCarol = await connect(carol!, id);
    expect((await api(dave!, "GET", `/v1/conversations/${id}`)).status).toBe(404);

    const removed = await api(admin!, "DELETE", `/v1/conversations/${id}/members/${carol}`);
    expect(removed.status).toBe(200);
    expect((await sCarol.next("message")).message.content).toMatchObject({
      system: { event: "member_removed", userId: carol },
    });
    await sCarol.until(() => sCarol.closed !== null, "removed member's socket closes");
    expect(sCarol.closed?.code).toBe(4404);
    expect((await api(carol!, "GET", `/v1/conversations/${id}`)).status).toBe(404);

    const left = await api(bob!, "DELETE", `/v1/conversations/${id}/members/${bob}`);
    expect(left.status).toBe(200);
    expect((await api(bob!, "GET", `/v1/conversations/${id}`)).status).toBe(404);

    const history = await api(admin!, "GET", `/v1/conversations/${id}/messages?after=0`);
    expect(
      history.body.messages.map((m: { seq: number; content: { system: { event: string } } }) => [
        m.seq,
        m.content.system.event,
      ]),
    ).toEqual([
      [1, "created"],
      [2, "member_added"],
      [3, "member_removed"],
      [4, "member_left"],
    ]);
    sBob.close();
  });

  it("direct conversations are fixed and lazily created", async () => {
    const [a, b, c] = users(3);
    const created = await api(a!, "POST", "/v1/conversations/direct", { peerId: b });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      conversationId: directConversationId(a!, b!),
      kind: "direct",
      lastSeq: 0,
    });
    const id = created.body.conversationId;
    expect((await api(a!, "POST", `/v1/conversations/${id}/members`, { userId: c })).status).toBe(
      403,
    );
    expect((await api(a!, "POST", "/v1/conversations/direct", { peerId: a })).status).toBe(400);
    expect(
      (await api(b!, "POST", "/v1/conversations/direct", { peerId: a })).body.conversationId,
    ).toBe(id);
  });

  it("validates group bodies", async () => {
    const [a] = users(1);
    const res = await api(a!, "POST", "/v1/conversations/groups", { name: "", memberIds: [] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
  });
});
