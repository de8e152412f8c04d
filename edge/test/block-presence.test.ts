// Presence already on screen is withdrawn at the moment of a block: when a blocks b, b's open
// sockets (inbox and the direct chat) get a's presence hidden at once, and a's get b's (the rule is
// both ways); last seen is no longer served while the block holds. Unblocking shows the live state
// again, last seen included, which proves the hidden answer was a withdrawal and not the truth.
import { describe, expect, it } from "vitest";
import { api, connect, type TestSocket, users } from "./support/client.ts";
import { connectInbox, type InboxSocket, listUntil, rowOf } from "./support/inbox-client.ts";

const presenceOf = (viewer: string, target: string) =>
  api(viewer, "GET", `/v1/users/${target}/presence`);

// Both socket kinds record presence frames of the same shape; only their frame unions differ.
const asChat = (socket: TestSocket | InboxSocket) => socket as TestSocket;
const presenceCount = (socket: TestSocket | InboxSocket) => asChat(socket).of("presence").length;

/** The next presence frame about `userId` after the first `from` presence frames. */
function presenceAfter(socket: TestSocket | InboxSocket, from: number, userId: string) {
  const s = asChat(socket);
  return s.next("presence", (f) => s.of("presence").indexOf(f) >= from && f.userId === userId);
}

describe("presence at the moment of a block", () => {
  it("withdraws each side's shown presence and last seen at once, and restores it on unblock", async () => {
    const [a, b] = users(2, "bp");
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    await listUntil(a!, (l) => rowOf(l, direct) !== undefined, "a has the direct row");
    await listUntil(b!, (l) => rowOf(l, direct) !== undefined, "b has the direct row");

    // Both are online (an inbox socket each) and have the chat open.
    const bInbox = await connectInbox(b!);
    const aInbox = await connectInbox(a!);
    await bInbox.next("presence", (f) => f.userId === a && f.online);
    const aChat = await connect(a!, direct);
    const bChat = await connect(b!, direct);
    expect((await presenceOf(b!, a!)).body).toEqual({ userId: a, online: true });

    const marks = [bInbox, aInbox, bChat, aChat].map(presenceCount);
    expect((await api(a!, "POST", `/v1/conversations/${direct}/block`)).status).toBe(204);
    const hiddenA = { type: "presence", userId: a, online: false };
    const hiddenB = { type: "presence", userId: b, online: false };
    expect(await presenceAfter(bInbox, marks[0]!, a!)).toEqual(hiddenA);
    expect(await presenceAfter(aInbox, marks[1]!, b!)).toEqual(hiddenB);
    expect(await presenceAfter(bChat, marks[2]!, a!)).toEqual(hiddenA);
    expect(await presenceAfter(aChat, marks[3]!, b!)).toEqual(hiddenB);
    // The frames are in the protocol (the test sockets record anything else as invalid).
    for (const s of [bInbox, aInbox, bChat, aChat]) expect(s.invalid).toEqual([]);
    expect((await presenceOf(b!, a!)).body).toEqual({ userId: a, online: false });
    expect((await presenceOf(a!, b!)).body).toEqual({ userId: b, online: false });

    // a goes offline while blocked: b is told (hidden), and no last seen is served.
    const beforeOffline = presenceCount(bInbox);
    aInbox.close();
    await aInbox.untilClosed();
    expect(await presenceAfter(bInbox, beforeOffline, a!)).toEqual(hiddenA);
    expect((await presenceOf(b!, a!)).body).toEqual({ userId: a, online: false });

    // Unblocked: each side's sockets get the other's live state at once, a's last seen included.
    const again = [bInbox, bChat].map(presenceCount);
    const aChatMark = presenceCount(aChat);
    expect((await api(a!, "DELETE", `/v1/conversations/${direct}/block`)).status).toBe(204);
    const shown = await presenceAfter(bInbox, again[0]!, a!);
    expect(shown).toMatchObject({ userId: a, online: false, lastSeenAt: expect.any(Number) });
    expect(await presenceAfter(bChat, again[1]!, a!)).toEqual(shown);
    expect(await presenceAfter(aChat, aChatMark, b!)).toEqual({
      type: "presence",
      userId: b,
      online: true,
    });
    const { type: _type, ...served } = shown;
    expect((await presenceOf(b!, a!)).body).toEqual(served);
    for (const s of [bInbox, bChat, aChat]) s.close();
  });
});
