// Presence through the public routes (the embedded store: no UPSTASH_REDIS_REST_URL in the tests'
// vars): heartbeats from any device make a user online for every member of a shared conversation,
// groups included; sign-off shows last seen; hidden last seen shows neither; non-members get 404;
// and the global per-IP limit refuses a flood across many conversations with rate_limited and
// Retry-After while another IP is unaffected.
import { describe, expect, it } from "vitest";
import { api, createGroup, users } from "./support/client.ts";
import { connectInbox, listUntil, rowOf } from "./support/inbox-client.ts";

const beat = (userId: string, deviceId: string, offline = false) =>
  api(userId, "POST", "/v1/presence/heartbeat", { deviceId, offline });

describe("presence routes", () => {
  it("shows group members' presence to members only, with sign-off and hidden last seen", async () => {
    const [a, b, c, outsider] = users(4, "pr");
    const group = await createGroup(a!, [b!, c!]);
    expect((await beat(b!, "b-phone")).status).toBe(204);
    let res = await api(a!, "GET", `/v1/conversations/${group}/presence`);
    expect(res.status).toBe(200);
    expect(res.body.presence).toEqual([
      { userId: b, online: true },
      { userId: c, online: false },
    ]);

    expect((await beat(b!, "b-phone", true)).status).toBe(204);
    res = await api(c!, "GET", `/v1/conversations/${group}/presence`);
    const seenB = res.body.presence.find((p: { userId: string }) => p.userId === b);
    expect(seenB.online).toBe(false);
    expect(typeof seenB.lastSeenAt).toBe("number");

    await api(c!, "PUT", "/v1/presence/settings", { hideLastSeen: true });
    await beat(c!, "c-laptop");
    res = await api(a!, "GET", `/v1/conversations/${group}/presence`);
    expect(res.body.presence.find((p: { userId: string }) => p.userId === c)).toEqual({
      userId: c,
      online: false,
    });

    res = await api(outsider!, "GET", `/v1/conversations/${group}/presence`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("answers typed 400s for bad heartbeats and 401 without a token", async () => {
    const [a] = users(1, "pb");
    for (const body of [{}, { deviceId: "" }, { deviceId: "x y" }]) {
      const res = await api(a!, "POST", "/v1/presence/heartbeat", body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
    expect((await api(null, "POST", "/v1/presence/heartbeat", { deviceId: "d" })).status).toBe(401);
  });
});

describe("global per-IP limit", () => {
  it("refuses a flood across many conversations with rate_limited and Retry-After; another IP is not slowed", async () => {
    const flooder = { "CF-Connecting-IP": "203.0.113.7" };
    const [a] = users(1, "fl");
    const peers = users(100, "flp");
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof api>> | undefined;
    for (const peer of peers) {
      const res = await api(a!, "POST", "/v1/conversations/direct", { peerId: peer }, flooder);
      statuses.push(res.status);
      if (res.status === 429) {
        refused = res;
        break;
      }
    }
    // RATE_GLOBAL_IP_PER_MIN is 40 in the tests: at most 40 pass per sliding window (80 if the
    // flood straddles a fixed-window boundary).
    expect(refused?.body.error.code).toBe("rate_limited");
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(80);

    const [other, otherPeer] = users(2, "ok");
    const res = await api(
      other!,
      "POST",
      "/v1/conversations/direct",
      { peerId: otherPeer },
      {
        "CF-Connecting-IP": "198.51.100.9",
      },
    );
    expect(res.status).toBe(200);
  });
});

describe("presence and blocks", () => {
  it("a block hides presence and last seen between the two, in groups too, until lifted", async () => {
    const [a, b, c] = users(3, "pb");
    const group = await createGroup(a!, [b!, c!]);
    const direct = (await api(a!, "POST", "/v1/conversations/direct", { peerId: b })).body
      .conversationId as string;
    for (const u of [a!, b!, c!]) expect((await beat(u, `${u}-phone`)).status).toBe(204);
    const seenBy = async (viewer: string) =>
      (await api(viewer, "GET", `/v1/conversations/${group}/presence`)).body.presence;
    expect(await seenBy(b!)).toEqual([
      { userId: a, online: true },
      { userId: c, online: true },
    ]);
    expect((await api(a!, "POST", `/v1/conversations/${direct}/block`)).status).toBe(204);
    expect(await seenBy(b!)).toEqual([
      { userId: a, online: false },
      { userId: c, online: true },
    ]);
    expect(await seenBy(a!)).toEqual([
      { userId: b, online: false },
      { userId: c, online: true },
    ]);
    expect(await seenBy(c!)).toEqual([
      { userId: a, online: true },
      { userId: b, online: true },
    ]);
    // The direct peer's presence route says the same (no 404: that would reveal the block).
    await listUntil(a!, (l) => rowOf(l, direct) !== undefined, "a's inbox has the direct chat");
    const peer = await api(b!, "GET", `/v1/users/${a}/presence`);
    expect([peer.status, peer.body]).toEqual([200, { userId: a, online: false }]);
    // The live presence frames of the blocker's devices reach the blocked peer's inbox hidden.
    await listUntil(b!, (l) => rowOf(l, direct) !== undefined, "b's inbox has the direct chat");
    const watcher = await connectInbox(b!);
    const phone = await connectInbox(a!);
    expect(await watcher.next("presence", (f) => f.userId === a)).toMatchObject({
      userId: a,
      online: false,
    });
    expect(watcher.of("presence").filter((f) => f.userId === a && f.online)).toEqual([]);
    phone.close();
    watcher.close();
    expect((await api(a!, "DELETE", `/v1/conversations/${direct}/block`)).status).toBe(204);
    expect((await seenBy(b!))[0]).toEqual({ userId: a, online: true });
    // A refused block (not a direct chat) mirrors nothing.
    expect((await api(a!, "POST", `/v1/conversations/${group}/block`)).status).toBe(400);
    expect((await seenBy(b!))[0]).toEqual({ userId: a, online: true });
  });
});
