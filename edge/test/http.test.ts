// HTTP fallbacks: send (idempotent), history pages, watermarks; and rate limiting across the
// user's sockets and HTTP calls.
import { directConversationId } from "@edge-chat/protocol";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationStore } from "../src/conversation/store.ts";
import { api, connect, range, tokenFor, users } from "./support/client.ts";

describe("http fallbacks", () => {
  it("send is idempotent by clientMsgId, over HTTP and WebSocket alike", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const body = { clientMsgId: "same", content: { kind: "text", text: "once" } };
    const first = await api(a!, "POST", `/v1/conversations/${id}/messages`, body);
    expect(first.status).toBe(201);
    const again = await api(a!, "POST", `/v1/conversations/${id}/messages`, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const sa = await connect(a!, id);
    sa.send({ type: "send", reqId: "r", ...body });
    expect(await sa.next("ack")).toMatchObject({ reqId: "r", ...first.body });
    sa.send({ type: "ping", reqId: "p" });
    await sa.next("pong");
    expect(sa.of("message")).toEqual([]);
    // The same clientMsgId from another sender is a different message.
    const fromB = await api(b!, "POST", `/v1/conversations/${id}/messages`, body);
    expect(fromB.body).toMatchObject({ seq: 2 });
    const conv = await api(a!, "GET", `/v1/conversations/${id}`);
    expect(conv.body.lastSeq).toBe(2);
    sa.close();
  });

  it("history pages before and after", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    for (let i = 1; i <= 12; i++) {
      await api(a!, "POST", `/v1/conversations/${id}/messages`, {
        clientMsgId: `h${i}`,
        content: { kind: "text", text: `${i}` },
      });
    }
    const latest = await api(b!, "GET", `/v1/conversations/${id}/messages?limit=5`);
    expect(latest.body.messages.map((m: { seq: number }) => m.seq)).toEqual(range(8, 12));
    expect(latest.body.hasMore).toBe(true);
    const older = await api(b!, "GET", `/v1/conversations/${id}/messages?before=8&limit=5`);
    expect(older.body.messages.map((m: { seq: number }) => m.seq)).toEqual(range(3, 7));
    const after = await api(b!, "GET", `/v1/conversations/${id}/messages?after=10`);
    expect(after.body).toMatchObject({ hasMore: false });
    expect(after.body.messages.map((m: { seq: number }) => m.seq)).toEqual([11, 12]);
    const both = await api(b!, "GET", `/v1/conversations/${id}/messages?after=1&before=3`);
    expect(both.status).toBe(400);
    const delivered = await api(b!, "POST", `/v1/conversations/${id}/delivered`, { upToSeq: 12 });
    expect(delivered.status).toBe(204);
    const bad = await api(b!, "POST", `/v1/conversations/${id}/read`, { upToSeq: -1 });
    expect(bad.status).toBe(400);
    // A page size over the maximum is a bad request, not a too-large body.
    const huge = await api(b!, "GET", `/v1/conversations/${id}/messages?limit=100000`);
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe("invalid_request");
  });

  it("rejects malformed bodies with typed errors", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const res = await api(a!, "POST", `/v1/conversations/${id}/messages`, {
      clientMsgId: "x",
      content: { kind: "text", text: "y".repeat(5000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("content_too_large");
    const notJson = await api(a!, "POST", `/v1/conversations/${id}/messages`, undefined, {
      "content-type": "application/json",
    });
    expect(notJson.status).toBe(400);
  });

  it("refuses a tampered token with a 401 that names no library internals", async () => {
    const [a, b] = users(2);
    const token = await tokenFor(a!);
    // Flip the signature's first character: still well-formed, no longer valid.
    const [head, payload, signature] = token.split(".");
    const flipped = `${signature![0] === "A" ? "B" : "A"}${signature!.slice(1)}`;
    const res = await api(
      null,
      "GET",
      `/v1/conversations/${directConversationId(a!, b!)}`,
      undefined,
      {
        authorization: `Bearer ${head}.${payload}.${flipped}`,
      },
    );
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthenticated");
    expect(JSON.stringify(res.body)).not.toMatch(/ERR_|JOSE|JWS/);
  });
});

describe("rate limiting", () => {
  it("a resend is answered with its ack, spends nothing, and leaves the bucket as it was", async () => {
    const [a, b] = users(2, "rs");
    const id = directConversationId(a!, b!);
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id));
    // The object's own store (the buckets live in its memory); a far-future updatedAt freezes
    // the bucket (no refill) with two tokens left.
    const store = <T>(fn: (s: ConversationStore) => T) =>
      runInDurableObject(stub, (instance) =>
        fn((instance as unknown as { store: ConversationStore }).store),
      );
    await store((s) => s.setUserBucket(a!, { tokens: 2, updatedAt: Date.now() + 3_600_000 }));
    const send = (clientMsgId: string) =>
      api(a!, "POST", `/v1/conversations/${id}/messages`, {
        clientMsgId,
        content: { kind: "text", text: clientMsgId },
      });
    const first = await send("m1");
    expect(first.status).toBe(201);
    // With budget left, the append's own insert finds the resend (and rolls back).
    const again = await send("m1");
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await store((s) => s.userBucket(a!)))?.tokens).toBe(1);
    expect((await send("m2")).status).toBe(201);
    // With none left, the refusal looks the resend up first.
    expect((await send("m1")).body).toEqual(first.body);
    const refused = await send("m3");
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    const conv = await api(a!, "GET", `/v1/conversations/${id}`);
    expect(conv.body.lastSeq).toBe(2);
  });

  it("per connection, then per user across sockets and HTTP; retry-after; the socket keeps working", async () => {
    // Test config: per connection 300 burst, per user 400 burst, both refilling 1 per second.
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const s1 = await connect(a!, id);
    // Buckets refill while frames are handled, so the bound on acks is the burst plus one token
    // per second that has passed: it holds on a slow machine and is tight on a fast one.
    const started = Date.now();
    const refilled = () => Math.ceil((Date.now() - started) / 1000);
    for (let i = 0; i < 320; i++) {
      s1.send({
        type: "send",
        reqId: `s1-${i}`,
        clientMsgId: `s1-${i}`,
        content: { kind: "text", text: "x" },
      });
    }
    await s1.until(
      (f) => f.filter((x) => x.type === "ack" || x.type === "error").length >= 320,
      "replies",
    );
    const acked = s1.of("ack").length;
    expect(acked).toBeLessThanOrEqual(300 + refilled());
    const limited = s1.of("error");
    expect(limited.length).toBe(320 - acked);
    expect(limited[0]).toMatchObject({ code: "rate_limited", retriable: true });
    expect(new Set(limited.map((e) => e.code))).toEqual(new Set(["rate_limited"]));
    expect(limited[0]!.retryAfterMs).toBeGreaterThan(0);

    // A second device of the same user has a fresh connection bucket but shares the user's 400.
    const s2 = await connect(a!, id);
    for (let i = 0; i < 120; i++) {
      s2.send({ type: "send", clientMsgId: `s2-${i}`, content: { kind: "text", text: "x" } });
    }
    await s2.until(
      (f) => f.filter((x) => x.type === "ack" || x.type === "error").length >= 120,
      "replies",
    );
    expect(s2.of("error").length).toBeGreaterThan(0);
    expect(acked + s2.of("ack").length).toBeLessThanOrEqual(400 + refilled());

    // HTTP shares the user's bucket, which is empty now; a token refilled since (1 per second in
    // this config) may let a request through before the refusal, so allow for exactly those.
    const httpSend = (i: number) =>
      api(a!, "POST", `/v1/conversations/${id}/messages`, {
        clientMsgId: `http-${i}`,
        content: { kind: "text", text: "x" },
      });
    const beforeHttp = Date.now();
    let http = await httpSend(0);
    let httpAcked = 0;
    while (http.status === 201 && httpAcked < 5) {
      httpAcked++;
      http = await httpSend(httpAcked);
    }
    expect(httpAcked).toBeLessThanOrEqual(Math.ceil((Date.now() - beforeHttp) / 1000) + 1);
    expect(http.status).toBe(429);
    expect(http.body.error.code).toBe("rate_limited");
    expect(Number(http.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    // Another user is unaffected; the limited socket still answers and, after waiting, sends again.
    expect(
      (
        await api(b!, "POST", `/v1/conversations/${id}/messages`, {
          clientMsgId: "b-1",
          content: { kind: "text", text: "x" },
        })
      ).status,
    ).toBe(201);
    s1.send({ type: "ping", reqId: "alive" });
    await s1.next("pong", (p) => p.reqId === "alive");
    const wait = s1.of("error").at(-1)!.retryAfterMs ?? 1000;
    await new Promise((r) => setTimeout(r, wait + 1200));
    s1.send({
      type: "send",
      reqId: "later",
      clientMsgId: "later",
      content: { kind: "text", text: "x" },
    });
    expect(await s1.next("ack", (f) => f.reqId === "later")).toMatchObject({
      clientMsgId: "later",
    });
    s1.close();
    s2.close();
  });
});

describe("the chaos suite's eviction route", () => {
  it("does not exist unless CHAOS_EVICT_ROUTE=1 (only the chaos harness sets it)", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const answer = await api(a!, "POST", `/__chaos/conversations/${id}/evict`);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: "not_found" } });
  });
});
