// Presence and last-seen: a user is online while any device socket is connected to their InboxDO,
// last seen when the last one closed (persisted); only a user sharing a direct conversation may ask
// (everyone else gets the same 404 as for an unknown user); changes are pushed as `presence` frames
// to the inbox sockets of direct-chat peers.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createGroup, eventually, users } from "./support/client.ts";
import { connectInbox, listUntil, rowOf } from "./support/inbox-client.ts";

const presenceOf = (viewer: string, target: string) =>
  api(viewer, "GET", `/v1/users/${target}/presence`);

describe("presence", () => {
  it("online while a device is connected, last seen when the last one closes, peers told", async () => {
    const [a, b, c] = users(3, "pr");
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    // c only shares a group with a: no presence for c.
    const group = await createGroup(a!, [c!]);
    await listUntil(
      a!,
      (l) => rowOf(l, direct) !== undefined && rowOf(l, group) !== undefined,
      "rows",
    );
    await listUntil(b!, (l) => rowOf(l, direct) !== undefined, "b has the direct row");

    const never = await presenceOf(b!, a!);
    expect(never.status).toBe(200);
    expect(never.body).toEqual({ userId: a, online: false });
    expect((await presenceOf(c!, a!)).status).toBe(404);
    expect((await presenceOf(a!, a!)).status).toBe(404);
    expect((await presenceOf(b!, "nobody-at-all")).status).toBe(404);
    expect((await presenceOf(b!, "bad:id")).status).toBe(404);

    const watcher = await connectInbox(b!);
    const phone = await connectInbox(a!);
    expect((await watcher.next("presence", (f) => f.online)).userId).toBe(a);
    expect((await presenceOf(b!, a!)).body).toEqual({ userId: a, online: true });

    // A second device keeps a online when the first goes.
    const laptop = await connectInbox(a!);
    phone.close();
    await phone.untilClosed();
    laptop.send({ type: "ping" });
    await laptop.next("pong");
    expect((await presenceOf(b!, a!)).body.online).toBe(true);

    const before = Date.now();
    laptop.close();
    const offline = await watcher.next("presence", (f) => !f.online);
    expect(offline.userId).toBe(a);
    expect(offline.lastSeenAt).toBeGreaterThanOrEqual(before - 1000);
    let seen: { online: boolean; lastSeenAt?: number } = { online: true };
    await eventually(async () => {
      seen = (await presenceOf(b!, a!)).body;
      return !seen.online;
    }, "a offline");
    expect(seen.lastSeenAt).toBe(offline.lastSeenAt);

    // Last seen is persisted: it survives eviction.
    await evictDurableObject(env.INBOXES.get(env.INBOXES.idFromName(a!)));
    expect((await presenceOf(b!, a!)).body).toEqual({
      userId: a,
      online: false,
      lastSeenAt: offline.lastSeenAt,
    });
    // c (group only) never got a presence frame about a.
    const cSocket = await connectInbox(c!);
    const again = await connectInbox(a!);
    await watcher.next("presence", (f) => f.online && watcher.of("presence").indexOf(f) > 1);
    expect(cSocket.of("presence")).toEqual([]);
    again.close();
    cSocket.close();
    watcher.close();
  });
});
