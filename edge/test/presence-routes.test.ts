// Presence through the public routes (the embedded store: no UPSTASH_REDIS_REST_URL in the tests'
// vars): heartbeats from any device make a user online for every member of a shared conversation,
// groups included; sign-off shows last seen; hidden last seen shows neither; non-members get 404;
// and the global per-IP limit refuses a flood across many conversations with rate_limited and
// Retry-After while another IP is unaffected.
import { describe, expect, it } from "vitest";
import { api, createGroup, users } from "./support/client.ts";

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
