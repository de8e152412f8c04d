// A group's grey double tick without an open chat: the ConversationDO's coalesced inbox update is
// answered with how far the member's connected devices have the row, and that answer raises the
// member's delivered watermark. A member whose devices are all offline raises nothing.
import { describe, expect, it } from "vitest";
import { connect, createGroup, eventually, users } from "./support/client.ts";
import { connectInbox, listUntil, rowOf } from "./support/inbox-client.ts";

describe("delivered through the inbox", () => {
  it("group: delivered once every other member's inbox has a device connected", async () => {
    const [a, b, c] = users(3, "idl");
    const id = await createGroup(a!, [b!, c!]);
    const ib = await connectInbox(b!); // b is on the list page; c is offline
    const sa = await connect(a!, id);
    sa.send({ type: "send", clientMsgId: "m1", content: { kind: "text", text: "hi" } });
    const seq = (await sa.next("ack")).seq;
    await ib.next("inbox_update", (u) => u.entry.conversationId === id && u.entry.lastSeq === seq);
    await listUntil(c!, (l) => rowOf(l, id)?.lastSeq === seq, "c's row has the message");
    // b's watermark moves from the inbox's answer; c's does not (no device had it).
    let asked = 0;
    const watermarks = async () => {
      const reqId = `i${++asked}`;
      sa.send({ type: "info", reqId, seq });
      const info = await sa.next("info_result", (r) => r.reqId === reqId);
      return new Map(info.members.map((m) => [m.userId, m.deliveredUpTo]));
    };
    await eventually(async () => (await watermarks()).get(b!) === seq, "b delivered");
    expect((await watermarks()).get(c!)).toBeLessThan(seq);
    expect(sa.of("status").filter((s) => s.status === "delivered" && s.upToSeq >= seq)).toEqual([]);

    // c comes online (the list page): the next message reaches both, and a sees it delivered.
    const ic = await connectInbox(c!);
    await ic.next("inbox_welcome");
    sa.send({ type: "send", clientMsgId: "m2", content: { kind: "text", text: "all here?" } });
    const next = (await sa.next("ack", (f) => f.seq > seq)).seq;
    // (c's answer may be folded in before b's: a status up to the first message may come first.)
    await sa.next("status", (s) => s.status === "delivered" && s.upToSeq === next);
    for (const s of [sa, ib, ic]) s.close();
  });
});
