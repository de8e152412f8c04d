import type { InboxServerFrame } from "@edge-chat/protocol";
import { PROTOCOL_VERSION } from "@edge-chat/protocol";
import { describe, expect, it, vi } from "vitest";
import { ChatClient } from "./client.ts";
import type { InboxEvents, InboxOptions } from "./inbox.ts";
import { TYPING_EXPIRY_MS } from "./typing.ts";
import { type FakeSocket, fakeFetch, fakeWebSockets, ticketBody } from "./test-support/fakes.ts";
import { makeEntry } from "./test-support/messages.ts";

function setup(options: InboxOptions = {}, ticketStatus?: () => [number, unknown] | undefined) {
  const { WebSocketImpl, sockets } = fakeWebSockets();
  const { fetchImpl, requests } = fakeFetch((request) => {
    const refused = ticketStatus?.();
    if (request.path === "/v1/inbox/tickets") return refused ?? ticketBody();
    return [404, { error: { code: "not_found", message: "no route", retriable: false } }];
  });
  const client = new ChatClient({
    baseUrl: "http://edge.test",
    getToken: async () => "token-alice",
    WebSocketImpl,
    fetchImpl,
  });
  const inbox = client.openInbox({ heartbeatMs: 0, backoff: { random: () => 1 }, ...options });
  const events = {
    lists: [] as InboxEvents["list"][],
    updates: [] as InboxEvents["update"][],
    removed: [] as InboxEvents["removed"][],
    presence: [] as InboxEvents["presence"][],
    states: [] as InboxEvents["state"][],
    errors: [] as InboxEvents["error"][],
  };
  inbox.on("list", (l) => events.lists.push(l));
  inbox.on("update", (u) => events.updates.push(u));
  inbox.on("removed", (r) => events.removed.push(r));
  inbox.on("presence", (p) => events.presence.push(p));
  inbox.on("state", (s) => events.states.push(s));
  inbox.on("error", (e) => events.errors.push(e));
  const socket = async (n: number): Promise<FakeSocket> => {
    await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(n));
    return sockets[n]!;
  };
  const welcome = async (n: number, conversations = [makeEntry("d:alice:bob", 2, 1)]) => {
    const s = await socket(n);
    s.open();
    s.push({ type: "inbox_welcome", v: 1, userId: "alice", conversations });
    return s;
  };
  return { client, inbox, sockets, requests, events, socket, welcome };
}

const ids = (entries: { conversationId: string }[]) => entries.map((e) => e.conversationId);

describe("InboxSession", () => {
  it("opens the inbox socket with a fresh ticket and the protocol version, then lists", async () => {
    const t = setup();
    const s = await t.socket(0);
    const ticket = t.requests.find((r) => r.path === "/v1/inbox/tickets")!;
    expect(ticket.method).toBe("POST");
    expect(ticket.headers.get("authorization")).toBe("Bearer token-alice");
    expect(s.url.startsWith("ws://edge.test/v1/inbox/ws?")).toBe(true);
    expect(s.params.get("ticket")).toMatch(/^ticket-/);
    expect(s.params.get("v")).toBe(String(PROTOCOL_VERSION));
    expect(t.inbox.state).toBe("connecting");
    await t.welcome(0, [makeEntry("d:alice:bob", 2, 1), makeEntry("g:team", 9, 4)]);
    expect(t.inbox.state).toBe("open");
    expect(t.inbox.userId).toBe("alice");
    expect(ids(t.events.lists[0]!)).toEqual(["g:team", "d:alice:bob"]);
    expect(t.inbox.unreadTotal).toBe(6);
    t.inbox.close();
    expect(t.inbox.state).toBe("closed");
    expect(s.closedByClient?.code).toBe(1000);
  });

  it("keeps the list ordered as updates arrive and counts unread up and down", async () => {
    const t = setup();
    const s = await t.welcome(0, [makeEntry("g:team", 9, 9), makeEntry("d:alice:bob", 2, 2)]);
    const later = makeEntry("d:alice:bob", 3, 2, { lastMessageAt: 1_800_000_000_000 });
    s.push({ type: "inbox_update", entry: later });
    expect(t.events.updates).toEqual([later]);
    expect(ids(t.inbox.conversations)).toEqual(["d:alice:bob", "g:team"]);
    expect(t.inbox.conversation("d:alice:bob")?.unread).toBe(1);
    s.push({ type: "inbox_update", entry: { ...later, readUpTo: 3, unread: 0 } });
    expect(t.inbox.unreadTotal).toBe(0);
    // A conversation I just joined appears.
    const joined = makeEntry("g:new", 1, 0, { lastMessageAt: 1_900_000_000_000, name: "New" });
    s.push({ type: "inbox_update", entry: joined });
    expect(ids(t.inbox.conversations)).toEqual(["g:new", "d:alice:bob", "g:team"]);
    expect(t.inbox.unreadTotal).toBe(1);
  });

  it("tells the server new messages reached this device: direct on every update, groups on the welcome", async () => {
    const t = setup();
    const delivered = () =>
      t.requests
        .filter((r) => r.method === "POST" && r.path.endsWith("/delivered"))
        .map((r) => [r.path, r.body]);
    // The welcome's unread chats are acknowledged (a group's arrived while no device was here);
    // read ones are not.
    const s = await t.welcome(0, [
      makeEntry("d:alice:bob", 2, 1),
      makeEntry("d:alice:carol", 4, 4),
      makeEntry("g:team", 9, 3),
    ]);
    await vi.waitFor(() =>
      expect(delivered()).toEqual([
        ["/v1/conversations/d:alice:bob/delivered", { upToSeq: 2 }],
        ["/v1/conversations/g:team/delivered", { upToSeq: 9 }],
      ]),
    );
    // The same seq again (a read watermark moved) asks nothing; a newer message does.
    s.push({ type: "inbox_update", entry: makeEntry("d:alice:bob", 2, 1) });
    // A group's update asks nothing (the server acknowledged it when its inbox had a device).
    s.push({ type: "inbox_update", entry: makeEntry("g:team", 10, 3) });
    s.push({ type: "inbox_update", entry: makeEntry("d:alice:bob", 5, 1) });
    await vi.waitFor(() => expect(delivered()).toHaveLength(3));
    expect(delivered()[2]).toEqual(["/v1/conversations/d:alice:bob/delivered", { upToSeq: 5 }]);
    expect(t.events.errors).toEqual([]);

    const off = setup({ autoDelivered: false });
    const quiet = await off.welcome(0, [makeEntry("d:alice:bob", 2, 1)]);
    quiet.push({ type: "inbox_update", entry: makeEntry("d:alice:bob", 3, 1) });
    // A request made after the frames goes out after anything the frames would have sent.
    await off.client.listConversations().catch(() => undefined);
    expect(off.requests.some((r) => r.path === "/v1/conversations")).toBe(true);
    expect(off.requests.filter((r) => r.path.endsWith("/delivered"))).toEqual([]);
  });

  it("follows who types in a direct chat, for the list", async () => {
    const t = setup();
    const typing: InboxEvents["typing"][] = [];
    t.inbox.on("typing", (change) => typing.push(change));
    const s = await t.welcome(0);
    const frame = { type: "typing", conversationId: "d:alice:bob", userId: "bob" } as const;
    s.push({ ...frame, state: "start" });
    expect(t.inbox.typists("d:alice:bob")).toEqual(["bob"]);
    // A refresh changes nothing; the stop clears it.
    s.push({ ...frame, state: "start" });
    s.push({ ...frame, state: "stop" });
    expect(t.inbox.typists("d:alice:bob")).toEqual([]);
    expect(typing).toEqual([
      { conversationId: "d:alice:bob", typists: ["bob"] },
      { conversationId: "d:alice:bob", typists: [] },
    ]);
    // A start whose stop never comes expires by itself.
    vi.useFakeTimers();
    try {
      s.push({ ...frame, state: "start" });
      vi.advanceTimersByTime(TYPING_EXPIRY_MS + 1);
      expect(t.inbox.typists("d:alice:bob")).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("drops a removed conversation and reports it once", async () => {
    const t = setup();
    const s = await t.welcome(0, [makeEntry("g:team", 9, 4), makeEntry("d:alice:bob", 2, 2)]);
    s.push({ type: "inbox_removed", conversationId: "g:team" });
    s.push({ type: "inbox_removed", conversationId: "g:team" });
    expect(t.events.removed).toEqual([{ conversationId: "g:team" }]);
    expect(ids(t.inbox.conversations)).toEqual(["d:alice:bob"]);
    expect(t.inbox.unreadTotal).toBe(0);
  });

  it("passes presence on and reports unreadable frames without dropping the socket", async () => {
    const t = setup();
    const s = await t.welcome(0);
    s.push({ type: "presence", userId: "bob", online: true });
    s.push({ type: "presence", userId: "bob", online: false, lastSeenAt: 1_700_000_000_500 });
    expect(t.events.presence).toEqual([
      { userId: "bob", online: true },
      { userId: "bob", online: false, lastSeenAt: 1_700_000_000_500 },
    ]);
    s.pushRaw('{"type":"inbox_update","entry":{"nope":1}}');
    expect(t.events.errors.at(-1)?.code).toBe("invalid_request");
    expect(t.inbox.state).toBe("open");
    expect(s.closedByClient).toBeUndefined();
  });

  it("reconnects with backoff and a new ticket; the new welcome replaces the list", async () => {
    const t = setup();
    const first = await t.welcome(0, [makeEntry("g:team", 9, 4), makeEntry("d:alice:bob", 2, 2)]);
    first.serverClose(1006);
    expect(t.inbox.state).toBe("reconnecting");
    expect(t.events.states.at(-1)).toMatchObject({ state: "reconnecting", retryInMs: 200 });
    const second = await t.socket(1);
    expect(second.params.get("ticket")).not.toBe(first.params.get("ticket"));
    expect(t.requests.filter((r) => r.path === "/v1/inbox/tickets")).toHaveLength(2);
    // A late frame of the dead socket changes nothing.
    first.push({ type: "inbox_removed", conversationId: "d:alice:bob" });
    expect(t.events.removed).toEqual([]);
    // Removed while away and a new message elsewhere: the welcome is the whole truth.
    await t.welcome(1, [makeEntry("d:alice:bob", 5, 2)]);
    expect(t.inbox.state).toBe("open");
    expect(ids(t.events.lists.at(-1)!)).toEqual(["d:alice:bob"]);
    expect(t.inbox.unreadTotal).toBe(3);
    t.inbox.close();
  });

  it("a ticket expired mid-connect (4401) reconnects; not found (4404) stops for good", async () => {
    const t = setup();
    const first = await t.welcome(0);
    first.serverClose(4401, "ticket expired");
    expect(t.events.errors.at(-1)?.code).toBe("unauthenticated");
    const second = await t.welcome(1);
    second.serverClose(4404, "gone");
    expect(t.inbox.state).toBe("closed");
    expect(t.events.states.at(-1)).toMatchObject({ state: "closed" });
    expect(t.events.states.at(-1)?.error?.code).toBe("not_found");
  });

  it("a refused ticket request that retrying cannot fix closes the inbox", async () => {
    const t = setup({}, () => [
      403,
      { error: { code: "forbidden", message: "no", retriable: false } },
    ]);
    await vi.waitFor(() => expect(t.inbox.state).toBe("closed"));
    expect(t.sockets).toHaveLength(0);
    expect(t.events.errors[0]?.code).toBe("forbidden");
  });

  it("ping gets its pong; a missing pong makes the heartbeat reconnect", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "setTimeout", "clearInterval", "clearTimeout"] });
    try {
      const t = setup({ heartbeatMs: 1000, requestTimeoutMs: 500 });
      await vi.waitFor(() => expect(t.sockets.length).toBe(1));
      const s = await t.welcome(0);
      const ping = t.inbox.ping();
      const sent = s.sent.at(-1) as unknown as { type: string; reqId: string };
      expect(sent.type).toBe("ping");
      const pong: InboxServerFrame = { type: "pong", reqId: sent.reqId, serverTs: 7 };
      s.push(pong);
      await expect(ping).resolves.toMatchObject({ serverTs: 7 });
      // The heartbeat pings; nobody answers.
      await vi.advanceTimersByTimeAsync(1000 + 500);
      expect(s.closedByClient?.code).toBe(1000);
      expect(t.inbox.state).toBe("reconnecting");
      t.inbox.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
