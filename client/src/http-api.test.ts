import { describe, expect, it } from "vitest";
import { errorFromResponse, fetchDevToken, HttpApi, withMute } from "./http-api.ts";
import { fakeFetch } from "./test-support/fakes.ts";
import { makeEntry, makeMessage, uuidFor } from "./test-support/messages.ts";

const conversation = {
  conversationId: "d:alice:bob",
  kind: "direct",
  members: [
    { userId: "alice", role: "member", joinedAt: 1 },
    { userId: "bob", role: "member", joinedAt: 1 },
  ],
  createdAt: 1,
  lastSeq: 0,
};

function api(handler: Parameters<typeof fakeFetch>[0]) {
  const { fetchImpl, requests } = fakeFetch(handler);
  let n = 0;
  const http = new HttpApi({
    baseUrl: "http://edge.test/",
    getToken: async () => `token-${++n}`,
    fetchImpl,
  });
  return { http, requests };
}

describe("HttpApi: devices, notification settings, presence", () => {
  it("registers a Web Push device, lists, renames, removes, and speaks presence", async () => {
    const deviceId = "0b7f3c1e-8d0a-4c55-9a61-2f3e4d5c6b7a";
    const summary = {
      deviceId,
      name: "Firefox",
      role: "companion",
      platform: "web",
      createdAt: 1,
      lastActiveAt: 1,
    };
    const { http, requests } = api((request) => {
      if (request.path === "/v1/devices" && request.method === "POST") return [201, summary];
      if (request.path === "/v1/devices") return [200, { devices: [summary] }];
      if (request.path === `/v1/devices/${deviceId}` && request.method === "PATCH")
        return [200, { ...summary, name: "Work" }];
      if (request.path === `/v1/devices/${deviceId}`) return [204, undefined];
      if (request.path === "/v1/presence/heartbeat") return [204, undefined];
      if (request.path === "/v1/conversations/g:team/presence")
        return [200, { presence: [{ userId: "bob", online: true }] }];
      if (request.path === "/v1/notification-settings")
        return [200, request.body ?? { previews: true, muted: {} }];
      return [404, { error: { code: "not_found", message: "no route", retriable: false } }];
    });
    const subscription = {
      endpoint: "https://push.example/sub/1",
      keys: { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) },
    };
    await expect(
      http.registerDevice({
        name: "Firefox",
        role: "companion",
        push: { platform: "web", subscription },
      }),
    ).resolves.toEqual(summary);
    expect(requests[0]?.body).toMatchObject({ push: { platform: "web", subscription } });
    await expect(http.listDevices()).resolves.toEqual([summary]);
    await expect(http.updateDevice(deviceId, { name: "Work" })).resolves.toMatchObject({
      name: "Work",
    });
    await expect(http.removeDevice(deviceId)).resolves.toBeUndefined();
    await expect(http.heartbeat({ deviceId, offline: false })).resolves.toBeUndefined();
    await expect(http.conversationPresence("g:team")).resolves.toEqual([
      { userId: "bob", online: true },
    ]);
    const settings = { previews: false, muted: { "g:team": { until: 5 } } };
    await expect(http.setNotificationSettings(settings)).resolves.toEqual(settings);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toContain("PUT /v1/notification-settings");
  });
});

describe("HttpApi", () => {
  it("lists my conversations, asks for presence and inbox tickets, all schema-checked", async () => {
    const rows = [makeEntry("g:team", 4, 1, { name: "Team" }), makeEntry("d:alice:bob", 2, 2)];
    const { http, requests } = api((request) => {
      if (request.path === "/v1/conversations") return [200, { conversations: rows }];
      if (request.path === "/v1/users/bob/presence") {
        return [200, { userId: "bob", online: false, lastSeenAt: 9 }];
      }
      if (request.path === "/v1/inbox/tickets")
        return [200, { ticket: "x".repeat(16), expiresAt: 1 }];
      return [404, { error: { code: "not_found", message: "no route", retriable: false } }];
    });
    await expect(http.listConversations()).resolves.toEqual(rows);
    await expect(http.presence("bob")).resolves.toEqual({
      userId: "bob",
      online: false,
      lastSeenAt: 9,
    });
    await expect(http.inboxTicket()).resolves.toMatchObject({ ticket: "x".repeat(16) });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/conversations",
      "GET /v1/users/bob/presence",
      "POST /v1/inbox/tickets",
    ]);
    // A row missing its fields is the server breaking the protocol, not data to show.
    const broken = api(() => [200, { conversations: [{ conversationId: "d:alice:bob" }] }]);
    await expect(broken.http.listConversations()).rejects.toMatchObject({ code: "internal" });
  });

  it("sends JSON with a fresh bearer token and validates the reply", async () => {
    const { http, requests } = api(() => [200, conversation]);
    await expect(http.createDirect("bob")).resolves.toEqual(conversation);
    await http.getConversation("d:alice:bob");
    expect(requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/conversations/direct",
      body: { peerId: "bob" },
    });
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer token-1");
    expect(requests[0]!.headers.get("content-type")).toBe("application/json");
    expect(requests[1]).toMatchObject({ method: "GET", path: "/v1/conversations/d:alice:bob" });
    expect(requests[1]!.headers.get("authorization")).toBe("Bearer token-2");
  });

  it("builds history, watermark, member and send requests", async () => {
    const ack = { clientMsgId: "m1", seq: 3, messageId: uuidFor(3), serverTs: 5 };
    const { http, requests } = api((r) => {
      if (r.path.endsWith("/messages") && r.method === "GET") {
        return [200, { messages: [makeMessage(4)], hasMore: false }];
      }
      if (r.path.endsWith("/messages")) return [200, ack];
      return [204, undefined];
    });
    const page = await http.history("d:alice:bob", { after: 3, limit: 10 });
    expect(page.messages.map((m) => m.seq)).toEqual([4]);
    expect(Object.fromEntries(requests[0]!.query)).toEqual({ after: "3", limit: "10" });
    await http.history("d:alice:bob", { before: 9 });
    expect(Object.fromEntries(requests[1]!.query)).toEqual({ before: "9", limit: "200" });
    const request = { clientMsgId: "m1", content: { kind: "text" as const, text: "hi" } };
    await expect(http.sendMessage("d:alice:bob", request)).resolves.toEqual(ack);
    await http.markRead("d:alice:bob", 3);
    await http.markDelivered("d:alice:bob", 4);
    await http.addMember("g:team", { userId: "carol" });
    await http.removeMember("g:team", "carol");
    expect(requests.slice(2).map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`)).toEqual(
      [
        `POST /v1/conversations/d:alice:bob/messages ${JSON.stringify(request)}`,
        'POST /v1/conversations/d:alice:bob/read {"upToSeq":3}',
        'POST /v1/conversations/d:alice:bob/delivered {"upToSeq":4}',
        'POST /v1/conversations/g:team/members {"userId":"carol"}',
        "DELETE /v1/conversations/g:team/members/carol undefined",
      ],
    );
  });

  it("turns the server's error body into a ChatError with its code and retry hint", async () => {
    const { http } = api(() => [
      429,
      { error: { code: "rate_limited", message: "slow down", retriable: true, retryAfterMs: 900 } },
    ]);
    const error = await http.createDirect("bob").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ChatError", code: "rate_limited", retryAfterMs: 900 });
  });

  it("maps bare statuses, network failures and malformed replies to typed errors", async () => {
    expect(errorFromResponse(404, "not json").code).toBe("not_found");
    expect(errorFromResponse(502, undefined).code).toBe("internal");
    expect(
      errorFromResponse(429, undefined, new Headers({ "retry-after": "2" })).retryAfterMs,
    ).toBe(2000);
    const offline = new HttpApi({
      baseUrl: "http://edge.test",
      getToken: async () => "t",
      fetchImpl: async () => {
        throw new TypeError("fetch failed");
      },
    });
    await expect(offline.getConversation("d:a:b")).rejects.toMatchObject({ code: "unavailable" });
    const { http } = api(() => [200, { not: "a conversation" }]);
    await expect(http.getConversation("d:a:b")).rejects.toMatchObject({ code: "internal" });
  });

  it("fetches a dev token", async () => {
    const { fetchImpl, requests } = fakeFetch(() => [200, { token: "jwt" }]);
    await expect(fetchDevToken("http://edge.test", "alice", fetchImpl)).resolves.toBe("jwt");
    expect(requests[0]).toMatchObject({
      method: "POST",
      path: "/dev/tokens",
      body: { userId: "alice" },
    });
  });
});

describe("withMute", () => {
  it("mutes for a time or for good, unmutes, and keeps every other setting", () => {
    const base = { previews: false, muted: { "g:other": {} } };
    expect(withMute(base, "g:team", 500)).toEqual({
      previews: false,
      muted: { "g:other": {}, "g:team": { until: 500 } },
    });
    expect(withMute(base, "g:team", null).muted["g:team"]).toEqual({});
    expect(withMute(base, "g:other", undefined)).toEqual({ previews: false, muted: {} });
    expect(base.muted).toEqual({ "g:other": {} });
  });

  it("HttpApi.mute reads the settings and writes them back with the conversation muted", async () => {
    let stored: unknown = { previews: true, muted: {} };
    const { http } = api((request) => {
      if (request.path !== "/v1/notification-settings") return [404, undefined];
      if (request.method === "PUT") stored = request.body;
      return [200, stored];
    });
    await http.mute("g:team");
    expect(stored).toEqual({ previews: true, muted: { "g:team": {} } });
    await http.mute("g:team", 99);
    expect(stored).toEqual({ previews: true, muted: { "g:team": { until: 99 } } });
    await http.unmute("g:team");
    expect(stored).toEqual({ previews: true, muted: {} });
  });
});
