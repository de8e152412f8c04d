// "typing…" in a group's row of the conversation list: the group's typists ride the coalesced inbox
// update to every member not watching the chat, start and stop, and only for groups of up to
// LIST_TYPING_MAX_MEMBERS (larger ones show typing inside the open chat only).
import { LIST_TYPING_MAX_MEMBERS } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { connect, createGroup, users } from "./support/client.ts";
import { connectInbox } from "./support/inbox-client.ts";

describe("typing in the list (groups)", () => {
  it("a small group's typist reaches the other members' inbox sockets, start and stop", async () => {
    const [a, b, c] = users(3, "lt");
    const id = await createGroup(a!, [b!, c!]);
    const ib = await connectInbox(b!);
    const sa = await connect(a!, id);
    sa.send({ type: "typing", state: "start" });
    expect(await ib.next("typing", (t) => t.conversationId === id)).toEqual({
      type: "typing",
      conversationId: id,
      userId: a,
      state: "start",
    });
    sa.send({ type: "typing", state: "stop" });
    await ib.next("typing", (t) => t.conversationId === id && t.state === "stop");
    expect(ib.of("typing").filter((t) => t.userId !== a)).toEqual([]);
    for (const s of [sa, ib]) s.close();
  });

  it("a larger group's typing stays in the open chat", async () => {
    const [a, b, ...rest] = users(LIST_TYPING_MAX_MEMBERS + 1, "ltl");
    const id = await createGroup(a!, [b!, ...rest]);
    const ib = await connectInbox(b!);
    const sa = await connect(a!, id);
    sa.send({ type: "typing", state: "start" });
    sa.send({ type: "send", clientMsgId: "m", content: { kind: "text", text: "x" } });
    const seq = (await sa.next("ack")).seq;
    // Typing frames of an update reach the sockets before its row: the row is the sync point.
    await ib.next("inbox_update", (u) => u.entry.conversationId === id && u.entry.lastSeq === seq);
    expect(ib.of("typing")).toEqual([]);
    for (const s of [sa, ib]) s.close();
  });
});
