// Reconnect and replay: exactly the missed messages, in order, paged, then live, with no gap and no
// duplicate at the seam even while others keep sending.
import { directConversationId } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, range, users } from "./support/client.ts";

async function sendViaHttp(user: string, id: string, n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    const res = await api(user, "POST", `/v1/conversations/${id}/messages`, {
      clientMsgId: `${tag}-${i}`,
      content: { kind: "text", text: `${tag} ${i}` },
    });
    expect(res.status).toBe(201);
  }
}

describe("sync", () => {
  it("connect with since replays exactly the missed messages, then goes live", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    await sendViaHttp(a!, id, 10, "m");
    const sb = await connect(b!, id, { since: 4 });
    const batch = await sb.next("sync_batch");
    expect(batch.messages.map((m) => m.seq)).toEqual(range(5, 10));
    expect(batch).toMatchObject({ toSeq: 10, more: false });
    await sendViaHttp(a!, id, 1, "live");
    expect((await sb.next("message")).message.seq).toBe(11);
    expect(sb.seenSeqs()).toEqual(range(5, 11));
    sb.close();
  });

  it("pages by maxPageSize; the socket is not live until caught up; no duplicate at the seam", async () => {
    const [a, b, c] = users(3);
    const id = await createGroup(a!, [b!, c!]);
    const sa = await connect(a!, id);
    for (let i = 0; i < 230; i++) {
      sa.send({ type: "send", clientMsgId: `p-${i}`, content: { kind: "text", text: `${i}` } });
    }
    await sa.until((f) => f.filter((x) => x.type === "ack").length === 230, "acks");
    const sb = await connect(b!, id, { since: 0 });
    const first = await sb.next("sync_batch");
    expect(first.messages.map((m) => m.seq)).toEqual(range(1, 200));
    expect(first.more).toBe(true);
    // A message while b is still catching up is not pushed live to b; the next page carries it.
    const sc = await connect(c!, id);
    sc.send({ type: "send", clientMsgId: "mid", content: { kind: "text", text: "mid" } });
    await sa.next("message", (m) => m.message.clientMsgId === "mid");
    expect(sb.of("message")).toEqual([]);
    sb.send({ type: "sync", reqId: "page2", afterSeq: first.toSeq });
    const second = await sb.next("sync_batch", (f) => f.reqId === "page2");
    expect(second.messages.map((m) => m.seq)).toEqual(range(201, 232));
    expect(second.more).toBe(false);
    sc.send({ type: "send", clientMsgId: "after", content: { kind: "text", text: "after" } });
    await sb.next("message");
    expect(sb.seenSeqs()).toEqual(range(1, 233));
    for (const s of [sa, sb, sc]) s.close();
  });

  it("reconnecting while another member sends continuously loses and repeats nothing", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const sa = await connect(a!, id);
    const total = 150;
    for (let i = 0; i < total; i++) {
      sa.send({ type: "send", clientMsgId: `c-${i}`, content: { kind: "text", text: `${i}` } });
    }
    // b connects several times mid-stream, each time from the last seq it saw.
    let seen: number[] = [];
    for (let round = 0; round < 3; round++) {
      const sb = await connect(b!, id, { since: seen.at(-1) ?? 0 });
      await sb.next("sync_batch");
      sb.send({ type: "ping", reqId: "x" });
      await sb.next("pong");
      seen = seen.concat(sb.seenSeqs());
      sb.close();
    }
    const sb = await connect(b!, id, { since: seen.at(-1) ?? 0 });
    await sb.until(() => seen.concat(sb.seenSeqs()).length >= total, "the rest");
    seen = seen.concat(sb.seenSeqs());
    expect(seen).toEqual(range(1, total));
    sa.close();
    sb.close();
  });

  it("since ahead of the conversation and a sync frame with a limit", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    await sendViaHttp(a!, id, 5, "s");
    const sb = await connect(b!, id, { since: 99 });
    expect(await sb.next("sync_batch")).toMatchObject({ messages: [], toSeq: 5, more: false });
    sb.send({ type: "sync", reqId: "l", afterSeq: 1, limit: 2 });
    const page = await sb.next("sync_batch", (f) => f.reqId === "l");
    expect(page.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(page.more).toBe(true);
    sb.close();
  });
});
