// Group administration through the Worker: rename (the protocol's `renamed` event), description,
// promote/demote and admin-only sending, each recorded as a system message in the order; members
// who are not admins get `forbidden`, outsiders `not_found`.
import { directConversationId } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, users } from "./support/client.ts";

const path = (id: string, rest = "") => `/v1/conversations/${encodeURIComponent(id)}${rest}`;
const sendText = (user: string, id: string, text: string) =>
  api(user, "POST", path(id, "/messages"), {
    clientMsgId: crypto.randomUUID(),
    content: { kind: "text", text },
  });

describe("group admin", () => {
  it("rename, description and admin-only sending, each a system message everyone sees", async () => {
    const [admin, b, outsider] = users(3);
    const id = await createGroup(admin!, [b!]);
    const sb = await connect(b!, id);
    const res = await api(admin!, "PATCH", path(id), {
      name: "renamed group",
      description: "about things",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "renamed group", description: "about things" });
    await sb.next("message", (f) => f.message.seq === 3);
    expect(sb.of("message").map((f) => f.message.content)).toEqual([
      { kind: "system", system: { event: "renamed", by: admin, name: "renamed group" } },
      {
        kind: "system",
        system: { event: "description_set", by: admin, description: "about things" },
      },
    ]);
    expect((await api(b!, "GET", path(id))).body).toMatchObject({
      name: "renamed group",
      description: "about things",
    });

    const refused = async (user: string, body: unknown) => {
      const r = await api(user, "PATCH", path(id), body);
      return [r.status, r.body.error.code];
    };
    expect(await refused(b!, { name: "mine" })).toEqual([403, "forbidden"]);
    expect(await refused(outsider!, { name: "mine" })).toEqual([404, "not_found"]);
    expect(await refused(admin!, { name: "renamed group" })).toEqual([409, "conflict"]);
    expect((await api(admin!, "PATCH", path(id), {})).status).toBe(400);

    expect((await api(admin!, "PATCH", path(id), { adminsOnly: true })).body.adminsOnly).toBe(true);
    const blocked = await sendText(b!, id, "may I?");
    expect([blocked.status, blocked.body.error.code]).toEqual([403, "forbidden"]);
    expect((await sendText(admin!, id, "announcement")).status).toBe(201);
    sb.close();
  });

  it("promote and demote; the last admin stays; direct chats have no admins", async () => {
    const [admin, b, c] = users(3);
    const id = await createGroup(admin!, [b!, c!]);
    const role = (actor: string, target: string, r: string) =>
      api(actor, "PUT", path(id, `/members/${target}/role`), { role: r });
    expect((await role(b!, c!, "admin")).body.error.code).toBe("forbidden");
    const promoted = await role(admin!, b!, "admin");
    expect(promoted.status).toBe(200);
    expect(promoted.body.members.find((m: { userId: string }) => m.userId === b)!.role).toBe(
      "admin",
    );
    // The new admin may now administer: demote the creator.
    expect((await role(b!, admin!, "member")).status).toBe(200);
    const last = await role(b!, b!, "member");
    expect([last.status, last.body.error.code]).toEqual([409, "conflict"]);
    const history = await api(c!, "GET", path(id, "/messages"));
    expect(
      history.body.messages
        .map((m: { content: { system?: { event: string } } }) => m.content.system?.event)
        .filter((e: string) => e === "role_changed"),
    ).toHaveLength(2);
    const direct = directConversationId(b!, c!);
    await api(b!, "POST", "/v1/conversations/direct", { peerId: c });
    const r = await api(b!, "PATCH", path(direct), { name: "x" });
    expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
  });

  it("block: neither side of a direct chat sends until it is lifted; groups cannot be blocked", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    expect((await sendText(a!, id, "hi")).status).toBe(201);
    expect((await api(b!, "POST", path(id, "/block"))).status).toBe(204);
    for (const user of [a!, b!]) {
      const r = await sendText(user, id, "still there?");
      expect([r.status, r.body.error.code]).toEqual([403, "blocked"]);
    }
    const sa = await connect(a!, id);
    sa.send({ type: "react", reqId: "r", clientMsgId: "r", targetSeq: 1, emoji: "👋" });
    expect(await sa.next("error", (e) => e.reqId === "r")).toMatchObject({ code: "blocked" });
    sa.close();
    // Only the blocker lifts their own block.
    expect((await api(a!, "DELETE", path(id, "/block"))).status).toBe(204);
    expect((await sendText(a!, id, "please")).body.error.code).toBe("blocked");
    expect((await api(b!, "DELETE", path(id, "/block"))).status).toBe(204);
    expect((await sendText(a!, id, "thanks")).status).toBe(201);
    const group = await createGroup(a!, [b!]);
    expect((await api(a!, "POST", path(group, "/block"))).status).toBe(400);
  });
});
