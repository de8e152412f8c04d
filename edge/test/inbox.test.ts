// The per-user inbox through the real Worker: ConversationDOs record inbox notifications in the
// send/read/membership transactions and their alarms deliver them to each member's InboxDO; the list
// (GET /v1/conversations) is ordered by the newest message with unread = lastSeq − readUpTo, own
// messages counting as read; it survives eviction of every object involved; the inbox socket
// gets the list first and then live row updates; tickets are single use.
import { directConversationId } from "@edge-chat/protocol";
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createGroup, users } from "./support/client.ts";
import { connectInbox, inboxOf, listUntil, rowOf } from "./support/inbox-client.ts";

const text = (t: string, id: string) => ({ clientMsgId: id, content: { kind: "text", text: t } });
let n = 0;
async function send(userId: string, conversationId: string, body: string) {
  const res = await api(
    userId,
    "POST",
    `/v1/conversations/${conversationId}/messages`,
    text(body, `m${++n}`),
  );
  if (res.status !== 201) throw new Error(`send: ${res.status}`);
  return res.body.seq as number;
}
const summary = (list: Awaited<ReturnType<typeof inboxOf>>) =>
  list.map((e) => [e.conversationId, e.lastSeq, e.unread]);

describe("inbox list", () => {
  it("orders by newest message with unread counts, through sends and reads by several users, across eviction", async () => {
    const [a, b, c] = users(3, "in");
    const g1 = await createGroup(a!, [b!, c!]); // seq 1: created (by a)
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    expect(direct).toBe(directConversationId(a!, b!));
    const g2 = await createGroup(b!, [a!]); // seq 1: created (by b)

    await send(a!, g1, "hello group"); // g1 seq 2
    await send(a!, g1, "anyone?"); // g1 seq 3
    await listUntil(a!, (l) => rowOf(l, g1)?.lastSeq === 3, "g1 at 3");
    await send(b!, direct, "hi a"); // direct 1
    await send(b!, direct, "are you there"); // direct 2
    await send(b!, direct, "a?"); // direct 3
    await listUntil(a!, (l) => rowOf(l, direct)?.lastSeq === 3, "direct at 3");
    await send(c!, g1, "c here"); // g1 seq 4
    await listUntil(a!, (l) => rowOf(l, g1)?.lastSeq === 4, "g1 at 4");
    await send(b!, g2, "news"); // g2 seq 2

    const list = await listUntil(a!, (l) => rowOf(l, g2)?.lastSeq === 2, "g2 at 2");
    // a created g1 and wrote seq 2–3: only c's message is unread. b wrote everything else.
    expect(summary(list)).toEqual([
      [g2, 2, 2],
      [g1, 4, 1],
      [direct, 3, 3],
    ]);
    expect(rowOf(list, g2)).toMatchObject({
      kind: "group",
      name: expect.any(String),
      lastSenderId: b,
      lastMessageKind: "text",
      preview: "news",
    });
    expect(rowOf(list, direct)).toMatchObject({ kind: "direct", preview: "a?", readUpTo: 0 });

    // b's view: own messages are read; g1 has a's and c's messages unread.
    expect(summary(await listUntil(b!, (l) => rowOf(l, g1)?.lastSeq === 4, "b sees g1"))).toEqual([
      [g2, 2, 0],
      [g1, 4, 4],
      [direct, 3, 0],
    ]);

    // Reads move the watermark (and never the order).
    expect((await api(a!, "POST", `/v1/conversations/${direct}/read`, { upToSeq: 2 })).status).toBe(
      204,
    );
    expect((await api(a!, "POST", `/v1/conversations/${g1}/read`, { upToSeq: 4 })).status).toBe(
      204,
    );
    const read = await listUntil(
      a!,
      (l) => rowOf(l, direct)?.unread === 1 && rowOf(l, g1)?.unread === 0,
      "reads applied",
    );
    expect(summary(read)).toEqual([
      [g2, 2, 2],
      [g1, 4, 0],
      [direct, 3, 1],
    ]);

    // Replying moves the conversation to the top and counts everything before it as read.
    await send(a!, direct, "here!"); // direct 4
    const replied = await listUntil(a!, (l) => rowOf(l, direct)?.lastSeq === 4, "reply listed");
    expect(summary(replied)[0]).toEqual([direct, 4, 0]);

    // Every object evicted: the lists come back from storage unchanged.
    for (const user of [a!, b!, c!]) {
      await evictDurableObject(env.INBOXES.get(env.INBOXES.idFromName(user)));
    }
    for (const id of [g1, g2, direct]) {
      await evictDurableObject(env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id)));
    }
    expect(summary(await inboxOf(a!))).toEqual(summary(replied));
    // c wrote the newest g1 message, so has nothing unread there.
    expect(summary(await inboxOf(c!))).toEqual([[g1, 4, 0]]);
    // And updates keep flowing after eviction.
    await send(c!, g1, "after eviction"); // g1 seq 5
    const after = await listUntil(a!, (l) => rowOf(l, g1)?.lastSeq === 5, "g1 at 5");
    expect(summary(after)[0]).toEqual([g1, 5, 1]);
  });

  it("membership changes add and remove rows", async () => {
    const [admin, bob, carol] = users(3, "im");
    const g = await createGroup(admin!, [bob!]);
    await listUntil(bob!, (l) => rowOf(l, g) !== undefined, "bob has the group");
    expect(await inboxOf(carol!)).toEqual([]);

    await api(admin!, "POST", `/v1/conversations/${g}/members`, { userId: carol });
    const added = await listUntil(carol!, (l) => rowOf(l, g) !== undefined, "carol added");
    // carol sees the group; only what happened since she joined (the join itself) is unread.
    expect(summary(added)).toEqual([[g, 2, 1]]);

    await api(admin!, "DELETE", `/v1/conversations/${g}/members/${carol}`);
    await listUntil(carol!, (l) => rowOf(l, g) === undefined, "carol removed");
    await api(bob!, "DELETE", `/v1/conversations/${g}/members/${bob}`);
    await listUntil(bob!, (l) => rowOf(l, g) === undefined, "bob left");
    // The admin still has it, at the member_left message, caused by bob: unread.
    const adminList = await listUntil(admin!, (l) => rowOf(l, g)?.lastSeq === 4, "admin sees 4");
    expect(rowOf(adminList, g)).toMatchObject({ lastMessageKind: "system", lastSenderId: bob });

    // Re-adding brings the row back.
    await api(admin!, "POST", `/v1/conversations/${g}/members`, { userId: carol });
    const back = await listUntil(carol!, (l) => rowOf(l, g)?.lastSeq === 5, "carol back");
    expect(summary(back)).toEqual([[g, 5, 1]]);
  });

  it("needs authentication", async () => {
    expect((await api(null, "GET", "/v1/conversations")).status).toBe(401);
  });
});

describe("inbox socket", () => {
  it("starts with the list, then gets live row updates and removals", async () => {
    const [a, b] = users(2, "is");
    const g = await createGroup(b!, [a!]);
    await listUntil(a!, (l) => rowOf(l, g) !== undefined, "a has g");
    const phone = await connectInbox(a!);
    const laptop = await connectInbox(a!);
    const welcome = phone.of("inbox_welcome")[0]!;
    expect(welcome.userId).toBe(a);
    expect(welcome.conversations.map((e) => e.conversationId)).toEqual([g]);

    await send(b!, g, "ping you");
    for (const device of [phone, laptop]) {
      const update = await device.next("inbox_update", (f) => f.entry.lastSeq === 2);
      expect(update.entry).toMatchObject({ conversationId: g, unread: 2, preview: "ping you" });
    }
    await api(a!, "POST", `/v1/conversations/${g}/read`, { upToSeq: 2 });
    await laptop.next("inbox_update", (f) => f.entry.unread === 0);

    await api(b!, "DELETE", `/v1/conversations/${g}/members/${a}`);
    await phone.next("inbox_removed", (f) => f.conversationId === g);

    phone.send({ type: "ping", reqId: "p1" });
    expect((await phone.next("pong")).reqId).toBe("p1");
    phone.send("not json");
    expect((await phone.next("error")).code).toBe("invalid_request");
    expect(phone.invalid).toEqual([]);
    phone.close();
    laptop.close();
  });

  it("a connected device keeps getting updates after its InboxDO is evicted (hibernation)", async () => {
    const [a, b] = users(2, "ih");
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    const device = await connectInbox(a!);
    await evictDurableObject(env.INBOXES.get(env.INBOXES.idFromName(a!)));
    await send(b!, direct, "after eviction");
    const update = await device.next("inbox_update", (f) => f.entry.lastSeq === 1);
    expect(update.entry).toMatchObject({ conversationId: direct, unread: 1 });
    // Still online for the peer: the socket outlived the object.
    expect((await api(b!, "GET", `/v1/users/${a}/presence`)).body.online).toBe(true);
    device.close();
  });

  it("accepts a single-use ticket instead of a header", async () => {
    const [a] = users(1, "it");
    const issued = await api(a!, "POST", "/v1/inbox/tickets");
    expect(issued.status).toBe(200);
    const socket = await connectInbox(null, { ticket: issued.body.ticket });
    expect(socket.of("inbox_welcome")[0]?.userId).toBe(a);
    const again = await connectInbox(null, { ticket: issued.body.ticket, waitWelcome: false });
    const refused = await again.next("error");
    expect(refused.code).toBe("unauthenticated");
    await again.untilClosed();
    expect(again.closed?.code).toBe(4401);
    // A ticket naming someone else's inbox finds nothing there.
    const forged = await connectInbox(null, {
      ticket: `other.${issued.body.ticket.split(".").at(-1)}`,
      waitWelcome: false,
    });
    expect((await forged.next("error")).code).toBe("unauthenticated");
    const bare = await api(null, "GET", "/v1/inbox/ws", undefined, { Upgrade: "websocket" });
    expect(bare.status).toBe(401);
    socket.close();
  });

  it("the InboxDO answers a request that is not an upgrade with the JSON error body", async () => {
    const [a] = users(1, "iu");
    const res = await env.INBOXES.get(env.INBOXES.idFromName(a!)).fetch(
      "https://inbox.internal/ws",
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toMatchObject({
      error: { code: "invalid_request", retriable: false },
    });
  });
});
