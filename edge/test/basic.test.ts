// The first end-to-end path: connect over the Worker, send, ack, fan-out to every member.
import { directConversationId } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, users } from "./support/client.ts";

describe("ConversationDO basics", () => {
  it("health answers", async () => {
    const res = await api(null, "GET", "/health");
    expect(res.status).toBe(200);
  });

  it("sends, acks and fans out to every member's sockets", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const sa = await connect(a!, id);
    const sa2 = await connect(a!, id);
    const sb = await connect(b!, id);
    expect(sa.of("welcome")[0]).toMatchObject({ v: 1, conversationId: id, userId: a, lastSeq: 0 });
    sa.send({
      type: "send",
      reqId: "r1",
      clientMsgId: "m1",
      content: { kind: "text", text: "hello" },
    });
    const ack = await sa.next("ack");
    expect(ack).toMatchObject({ reqId: "r1", clientMsgId: "m1", seq: 1 });
    for (const s of [sa, sa2, sb]) {
      const frame = await s.next("message");
      expect(frame.message).toMatchObject({ seq: 1, senderId: a, content: { text: "hello" } });
    }
    for (const s of [sa, sa2, sb]) s.close();
  });

  it("groups fan out to all members", async () => {
    const [a, b, c] = users(3);
    const id = await createGroup(a!, [b!, c!]);
    const sockets = await Promise.all([a, b, c].map((u) => connect(u!, id)));
    sockets[1]!.send({ type: "send", clientMsgId: "x", content: { kind: "text", text: "hi" } });
    for (const s of sockets) {
      const f = await s.next("message");
      expect(f.message.seq).toBe(2); // seq 1 is the "created" system message
    }
    for (const s of sockets) s.close();
  });
});
