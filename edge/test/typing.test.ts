// Typing indicators: broadcast to the others, never stored, expiring after TYPING_TTL_MS (1 s in
// tests), and a "stop" reaches the others even when the typist vanishes.
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, eventually, users } from "./support/client.ts";
import { connectInbox, listUntil, rowOf } from "./support/inbox-client.ts";

describe("typing", () => {
  it("start and stop reach the other members only", async () => {
    const [a, b, c] = users(3);
    const id = await createGroup(a!, [b!, c!]);
    const [sa, sb, sc] = await Promise.all([a, b, c].map((u) => connect(u!, id)));
    sa!.send({ type: "typing", state: "start" });
    expect(await sb!.next("typing")).toEqual({ type: "typing", userId: a, state: "start" });
    await sc!.next("typing");
    sa!.send({ type: "typing", state: "stop" });
    await sb!.next("typing", (t) => t.state === "stop");
    sa!.send({ type: "ping", reqId: "p" });
    await sa!.next("pong");
    expect(sa!.of("typing")).toEqual([]);
    // Never stored: nothing in the message stream.
    const history = await api(b!, "GET", `/v1/conversations/${id}/messages?after=0`);
    expect(history.body.messages.map((m: { content: { kind: string } }) => m.content.kind)).toEqual(
      ["system"],
    );
    for (const s of [sa, sb, sc]) s!.close();
  });

  it("a direct chat's typing reaches the peer's inbox socket too (the list's typing…)", async () => {
    const [a, b] = users(2, "ti");
    const direct = await api(a!, "POST", "/v1/conversations/direct", { peerId: b });
    const id = direct.body.conversationId as string;
    // b's inbox relays typing only for a chat it lists (a peer's, checked there).
    await listUntil(b!, (l) => rowOf(l, id) !== undefined, "b lists the chat");
    const sa = await connect(a!, id);
    const inbox = await connectInbox(b!);
    sa.send({ type: "typing", state: "start" });
    expect(await inbox.next("typing")).toEqual({
      type: "typing",
      conversationId: id,
      userId: a,
      state: "start",
    });
    sa.send({ type: "typing", state: "stop" });
    await inbox.next("typing", (t) => t.state === "stop");
    // Every start is relayed (the SDK refreshes it; the list expires a typist not refreshed).
    // A group's typing rides the coalesced inbox update instead: list-typing.test.ts.
    sa.send({ type: "typing", state: "start" });
    const directStarts = () =>
      inbox.of("typing").filter((t) => t.conversationId === id && t.state === "start").length;
    await eventually(async () => directStarts() === 2, "the second direct start");
    for (const s of [sa, inbox]) s.close();
  });

  it("expires without a refresh", async () => {
    const [a, b] = users(2);
    const id = await createGroup(a!, [b!]);
    const [sa, sb] = await Promise.all([a, b].map((u) => connect(u!, id)));
    sa!.send({ type: "typing", state: "start" });
    await sb!.next("typing");
    expect(await sb!.next("typing", (t) => t.state === "stop")).toMatchObject({ userId: a });
    for (const s of [sa, sb]) s!.close();
  });

  it("a typist whose socket closes sends a stop to the others", async () => {
    const [a, b] = users(2);
    const id = await createGroup(a!, [b!]);
    const [sa, sb] = await Promise.all([a, b].map((u) => connect(u!, id)));
    sa!.send({ type: "typing", state: "start" });
    await sb!.next("typing");
    sa!.close();
    await sb!.next("typing", (t) => t.state === "stop");
    sb!.close();
  });
});
