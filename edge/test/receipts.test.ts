// Receipts: per-member watermarks, status frames to senders (direct: the peer; group: everyone
// else), and message info.
import { directConversationId } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, users } from "./support/client.ts";

describe("receipts", () => {
  it("direct: the sender gets delivered and read from the peer's watermarks", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const sa = await connect(a!, id);
    const sb = await connect(b!, id);
    for (let i = 0; i < 3; i++) {
      sa.send({ type: "send", clientMsgId: `d${i}`, content: { kind: "text", text: "x" } });
    }
    await sb.until((f) => f.filter((x) => x.type === "message").length === 3, "messages");
    sb.send({ type: "delivered", upToSeq: 2 });
    expect(await sa.next("status")).toEqual({ type: "status", status: "delivered", upToSeq: 2 });
    sb.send({ type: "read", upToSeq: 3 });
    await sa.next("status", (s) => s.status === "read");
    expect(sa.of("status")).toEqual([
      { type: "status", status: "delivered", upToSeq: 2 },
      { type: "status", status: "delivered", upToSeq: 3 },
      { type: "status", status: "read", upToSeq: 3 },
    ]);
    // Watermarks never move back.
    sb.send({ type: "read", upToSeq: 1 });
    sb.send({ type: "info", reqId: "i", seq: 3 });
    const info = await sb.next("info_result");
    expect(info.members.find((m) => m.userId === b)).toMatchObject({
      deliveredUpTo: 3,
      readUpTo: 3,
      read: true,
    });
    expect(sb.of("status")).toEqual([]);
    // A reconnecting sender learns where its messages stand.
    const sa2 = await connect(a!, id);
    await sa2.next("status", (s) => s.status === "read");
    for (const s of [sa, sb, sa2]) s.close();
  });

  it("group: status moves with the minimum over the other members", async () => {
    const [a, b, c] = users(3);
    const id = await createGroup(a!, [b!, c!]);
    const [sa, sb, sc] = await Promise.all([a, b, c].map((u) => connect(u!, id)));
    sa!.send({ type: "send", clientMsgId: "g1", content: { kind: "text", text: "x" } });
    sa!.send({ type: "send", clientMsgId: "g2", content: { kind: "text", text: "x" } });
    await sc!.until((f) => f.filter((x) => x.type === "message").length === 2, "messages");
    sb!.send({ type: "read", upToSeq: 3 });
    sb!.send({ type: "ping", reqId: "p" });
    await sb!.next("pong");
    expect(sa!.of("status")).toEqual([]); // c has not read yet
    const res = await api(c!, "POST", `/v1/conversations/${id}/read`, { upToSeq: 2 });
    expect(res.status).toBe(204);
    await sa!.next("status", (s) => s.status === "read");
    expect(sa!.of("status")).toEqual([
      { type: "status", status: "delivered", upToSeq: 2 },
      { type: "status", status: "read", upToSeq: 2 },
    ]);
    sc!.send({ type: "info", reqId: "i", seq: 3 });
    const info = await sc!.next("info_result");
    expect(info).toMatchObject({ reqId: "i", seq: 3 });
    expect(Object.fromEntries(info.members.map((m) => [m.userId, [m.delivered, m.read]]))).toEqual({
      [a!]: [false, false],
      [b!]: [true, true],
      [c!]: [false, false],
    });
    sc!.send({ type: "info", reqId: "bad", seq: 99 });
    expect(await sc!.next("error")).toMatchObject({ reqId: "bad", code: "not_found" });
    for (const s of [sa, sb, sc]) s!.close();
  });

  it("group: a flood of delivered frames is coalesced, exact and in order", async () => {
    const members = users(6, "rd");
    const [a, ...rest] = members;
    const id = await createGroup(a!, rest);
    const sockets = await Promise.all(members.map((u) => connect(u, id)));
    const [sa, ...others] = sockets;
    for (let i = 0; i < 10; i++) {
      sa!.send({ type: "send", clientMsgId: `f${i}`, content: { kind: "text", text: "x" } });
    }
    // Every other member answers every message, one frame per message, as fast as it can.
    await Promise.all(
      others.map(async (s) => {
        await s.until((f) => f.filter((x) => x.type === "message").length === 10, "messages");
        for (const m of s.of("message")) s.send({ type: "delivered", upToSeq: m.message.seq });
      }),
    );
    await sa!.next("status", (s) => s.status === "delivered" && s.upToSeq === 11);
    const delivered = sa!.of("status").map((s) => s.upToSeq);
    expect(delivered).toEqual([...delivered].sort((x, y) => x - y)); // never backwards
    expect(new Set(delivered).size).toBe(delivered.length); // never repeated
    // A read right after is applied after the pending delivered ones.
    others[0]!.send({ type: "info", reqId: "i", seq: 11 });
    const info = await others[0]!.next("info_result");
    for (const m of info.members.filter((m) => m.userId !== a)) {
      expect(m).toMatchObject({ deliveredUpTo: 11, delivered: true, read: false });
    }
    for (const s of sockets) s.close();
  });
});
