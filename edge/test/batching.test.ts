// Live messages under load: a v2 socket may get several in one `messages` frame, a v1 socket always
// one `message` frame each; both see every message once, in order, whatever the batching did. A
// socket that joins while a batch is pending gets those messages from its welcome/replay, not twice.
import type { TestSocket } from "./support/client.ts";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, users } from "./support/client.ts";

/** Every live seq a socket received, from single and batched frames alike, in arrival order. */
function liveSeqs(socket: TestSocket): number[] {
  return socket.frames.flatMap((f) =>
    f.type === "message"
      ? [f.message.seq]
      : f.type === "messages"
        ? f.messages.map((m) => m.seq)
        : [],
  );
}

describe("batched live frames", () => {
  it("v2 and v1 sockets both get every message once, in order", async () => {
    const [a, b, c] = users(3, "bt");
    const id = await createGroup(a!, [b!, c!]);
    const v2 = await connect(b!, id, { v: 2 });
    const v1 = await connect(c!, id, { v: 1 });
    const sender = await connect(a!, id, { v: 2 });
    for (let i = 0; i < 40; i++) {
      sender.send({ type: "send", clientMsgId: `bt${i}`, content: { kind: "text", text: `${i}` } });
    }
    // And some over HTTP, interleaved (they share the batch and its order).
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api(b!, "POST", `/v1/conversations/${id}/messages`, {
          clientMsgId: `bh${i}`,
          content: { kind: "text", text: `h${i}` },
        }),
      ),
    );
    const all = Array.from({ length: 50 }, (_, i) => i + 2);
    for (const s of [v2, v1, sender]) await s.until(() => liveSeqs(s).length >= 50, "all messages");
    for (const s of [v2, v1, sender]) expect(liveSeqs(s)).toEqual(all);
    expect(v1.of("messages")).toEqual([]);
    // A socket joining with since=0 gets everything exactly once (replay, then live).
    const late = await connect(c!, id, { v: 2, since: 0 });
    await late.until((f) => f.some((x) => x.type === "sync_batch"), "replay");
    api(a!, "POST", `/v1/conversations/${id}/messages`, {
      clientMsgId: "after",
      content: { kind: "text", text: "after" },
    });
    await late.until(() => liveSeqs(late).includes(52), "the next live message");
    const replayed = late.of("sync_batch").flatMap((f) => f.messages.map((m) => m.seq));
    expect([...replayed, ...liveSeqs(late)]).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
    for (const s of [v2, v1, sender, late]) s.close();
  });
});
