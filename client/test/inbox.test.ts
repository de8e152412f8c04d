// Integration: the inbox against the real edge Worker in workerd, over real WebSockets and HTTP.
// Bob's inbox socket sees Alice's messages raise his unread count and his reading lower it, and
// sees Alice come online and go offline as her own inbox socket connects and disconnects; a server
// restart that drops every socket is recovered from by itself.
// Skips (saying why) only when the Worker cannot be started at all.
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  ChatClient,
  fetchDevToken,
  type InboxEvents,
  type InboxSession,
  type Presence,
} from "../src/index.ts";
import { startEdge } from "./support/edge.ts";

const started = await startEdge();
if (!started.ok) console.warn(`[client inbox integration] SKIPPED: ${started.reason}`);
const edge = started.ok ? started.edge : undefined;
afterAll(async () => {
  await edge?.dispose();
});

const WAIT = { timeout: 20_000, interval: 20 };
let run = 0;

async function user(name: string) {
  const userId = `${name}-${Date.now().toString(36)}-${++run}`;
  const token = await fetchDevToken(edge!.baseUrl, userId);
  const client = new ChatClient({ baseUrl: edge!.baseUrl, getToken: async () => token });
  const seen = {
    lists: [] as InboxEvents["list"][],
    updates: [] as InboxEvents["update"][],
    presence: [] as Presence[],
    errors: [] as InboxEvents["error"][],
  };
  const openInbox = async (): Promise<InboxSession> => {
    const inbox = client.openInbox({ heartbeatMs: 0 });
    inbox.on("list", (l) => seen.lists.push(l));
    inbox.on("update", (u) => seen.updates.push(u));
    inbox.on("presence", (p) => seen.presence.push(p));
    inbox.on("error", (e) => seen.errors.push(e));
    await vi.waitFor(() => expect(inbox.state).toBe("open"), WAIT);
    return inbox;
  };
  return { userId, client, seen, openInbox };
}

describe.skipIf(!edge)("inbox: list, unread counts and presence against the real edge", () => {
  it("bob's inbox follows alice's messages and his reading; alice's presence follows her socket", async () => {
    const alice = await user("alice");
    const bob = await user("bob");
    const { conversationId } = await alice.client.createDirect(bob.userId);
    const bobsInbox = await bob.openInbox();
    expect(bobsInbox.userId).toBe(bob.userId);
    const row = () => bobsInbox.conversation(conversationId);
    await vi.waitFor(() => expect(row()).toBeDefined(), WAIT);
    const unreadBefore = row()!.unread;

    // Alice writes twice: bob's row rises to the top with two more unread and a preview.
    const other = await bob.client.createDirect(`carol-${run}`);
    await bob.client.sendMessage(other.conversationId, {
      clientMsgId: `b-${run}`,
      content: { kind: "text", text: "elsewhere" },
    });
    await alice.client.sendMessage(conversationId, {
      clientMsgId: `a1-${run}`,
      content: { kind: "text", text: "hi bob" },
    });
    const ack = await alice.client.sendMessage(conversationId, {
      clientMsgId: `a2-${run}`,
      content: { kind: "text", text: "are you there?" },
    });
    await vi.waitFor(() => {
      expect(row()).toMatchObject({
        lastSeq: ack.seq,
        unread: unreadBefore + 2,
        lastSenderId: alice.userId,
        preview: "are you there?",
      });
    }, WAIT);
    expect(bobsInbox.conversations[0]?.conversationId).toBe(conversationId);
    expect(bob.seen.updates.some((u) => u.conversationId === conversationId)).toBe(true);
    // The HTTP list says the same.
    const listed = (await bob.client.listConversations()).find(
      (c) => c.conversationId === conversationId,
    );
    expect(listed).toMatchObject({ lastSeq: ack.seq, unread: unreadBefore + 2 });

    // Bob reads up to the newest message: his count drops to zero.
    await bob.client.markRead(conversationId, ack.seq);
    await vi.waitFor(() => expect(row()).toMatchObject({ unread: 0, readUpTo: ack.seq }), WAIT);
    expect(bobsInbox.unreadTotal).toBe(0);

    // Alice connects her inbox: bob is told she is online, and asking says so too.
    const alicesInbox = await alice.openInbox();
    await vi.waitFor(
      () => expect(bob.seen.presence).toContainEqual({ userId: alice.userId, online: true }),
      WAIT,
    );
    await expect(bob.client.presence(alice.userId)).resolves.toMatchObject({ online: true });

    // She disconnects: offline, with a last-seen time.
    alicesInbox.close();
    await vi.waitFor(() => {
      const last = bob.seen.presence.filter((p) => p.userId === alice.userId).at(-1);
      expect(last).toMatchObject({ online: false, lastSeenAt: expect.any(Number) });
    }, WAIT);
    const asked = await bob.client.presence(alice.userId);
    expect(asked).toMatchObject({ online: false, lastSeenAt: expect.any(Number) });
    // Someone bob shares no direct chat with: their presence is not his to know.
    await expect(bob.client.presence(`dave-${run}`)).rejects.toMatchObject({ code: "not_found" });
    expect(bob.seen.errors).toEqual([]);
    bobsInbox.close();
  });

  it("the inbox comes back by itself after the server drops every socket", async () => {
    const alice = await user("alice");
    const bob = await user("bob");
    const { conversationId } = await alice.client.createDirect(bob.userId);
    const bobsInbox = await bob.openInbox();
    const states: string[] = [];
    bobsInbox.on("state", ({ state }) => states.push(state));
    await vi.waitFor(() => expect(bobsInbox.conversation(conversationId)).toBeDefined(), WAIT);
    const listsBefore = bob.seen.lists.length;

    await edge!.restart();
    // A new socket (a new ticket) and a new welcome with the whole list.
    await vi.waitFor(() => {
      expect(states).toContain("reconnecting");
      expect(bobsInbox.state).toBe("open");
      expect(bob.seen.lists.length).toBeGreaterThan(listsBefore);
    }, WAIT);
    expect(bob.seen.lists.at(-1)?.map((e) => e.conversationId)).toContain(conversationId);
    // And it is live again.
    const ack = await alice.client.sendMessage(conversationId, {
      clientMsgId: `after-restart-${run}`,
      content: { kind: "text", text: "still there?" },
    });
    await vi.waitFor(
      () => expect(bobsInbox.conversation(conversationId)).toMatchObject({ lastSeq: ack.seq }),
      WAIT,
    );
    expect(bobsInbox.conversation(conversationId)!.unread).toBeGreaterThan(0);
    bobsInbox.close();
  });
});
