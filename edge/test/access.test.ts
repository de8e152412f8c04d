// Isolation and credentials: non-members and unknown conversations look the same (not_found),
// tickets are single-use and expire, forged identity headers are ignored, production has no dev
// tokens and no HS256.
import { directConversationId, PROTOCOL_VERSION } from "@edge-chat/protocol";
import { createExecutionContext, SELF, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { api, connect, createGroup, tokenFor, users } from "./support/client.ts";

describe("access", () => {
  it("non-members and nonexistent conversations get the same not_found", async () => {
    const [a, b, eve] = users(3);
    const group = await createGroup(a!, [b!]);
    const direct = directConversationId(a!, b!);
    const answers = [];
    for (const path of [
      `/v1/conversations/${group}`,
      `/v1/conversations/${direct}`,
      "/v1/conversations/g:doesnotexist",
      "/v1/conversations/not-an-id",
      `/v1/conversations/d:${b}:${a}`, // the non-canonical spelling of a direct id
      `/v1/conversations/d:${eve}:${eve}`,
    ]) {
      answers.push(await api(eve!, "GET", path));
    }
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect(new Set(answers.slice(0, 3).map((r) => JSON.stringify(r.body))).size).toBe(1);
    // Even a member cannot open a second conversation under the non-canonical spelling.
    expect((await api(a!, "GET", `/v1/conversations/d:${b}:${a}`)).status).toBe(404);
    expect((await api(a!, "GET", `/v1/conversations/${direct}`)).status).toBe(200);
    const send = await api(eve!, "POST", `/v1/conversations/${group}/messages`, {
      clientMsgId: "x",
      content: { kind: "text", text: "let me in" },
    });
    expect(send.status).toBe(404);
    expect((await api(eve!, "POST", `/v1/conversations/${group}/tickets`)).status).toBe(404);
    const history = await api(eve!, "GET", `/v1/conversations/${group}/messages`);
    expect(history.status).toBe(404);

    const ws = await connect(eve!, group, { waitWelcome: false });
    expect(await ws.next("error")).toMatchObject({ code: "not_found" });
    await ws.until(() => ws.closed !== null, "close");
    expect(ws.closed?.code).toBe(4404);
    expect(ws.of("welcome")).toEqual([]);
  });

  it("ignores a forged identity header", async () => {
    const [a, b, eve] = users(3);
    const group = await createGroup(a!, [b!]);
    const res = await api(eve!, "GET", `/v1/conversations/${group}`, undefined, {
      "x-edge-user": a!,
    });
    expect(res.status).toBe(404);
  });

  it("requires a valid token", async () => {
    const res = await api(null, "GET", "/v1/conversations/g:abc");
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "unauthenticated", retriable: false });
    const bad = await api(null, "GET", "/v1/conversations/g:abc", undefined, {
      authorization: "Bearer nonsense",
    });
    expect(bad.status).toBe(401);
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts/); // no stack trace
  });

  it("tickets: member-only, single use, bound to their conversation", async () => {
    const [a, b] = users(2);
    const group = await createGroup(a!, [b!]);
    const other = await createGroup(a!, [b!]);
    const issued = await api(b!, "POST", `/v1/conversations/${group}/tickets`);
    expect(issued.status).toBe(200);
    expect(issued.body.ticket.length).toBeGreaterThanOrEqual(16);
    const ok = await connect(null, group, { ticket: issued.body.ticket });
    expect(ok.of("welcome")[0]).toMatchObject({ userId: b });
    const reuse = await connect(null, group, { ticket: issued.body.ticket, waitWelcome: false });
    expect(await reuse.next("error")).toMatchObject({ code: "unauthenticated" });
    await reuse.until(() => reuse.closed !== null, "close");
    expect(reuse.closed?.code).toBe(4401);

    const second = await api(b!, "POST", `/v1/conversations/${group}/tickets`);
    const elsewhere = await connect(null, other, {
      ticket: second.body.ticket,
      waitWelcome: false,
    });
    expect(await elsewhere.next("error")).toMatchObject({ code: "unauthenticated" });
    ok.close();
  });

  it("tickets expire (TICKET_TTL_MS is 1.5 s in tests)", async () => {
    const [a, b] = users(2);
    const group = await createGroup(a!, [b!]);
    const issued = await api(a!, "POST", `/v1/conversations/${group}/tickets`);
    await new Promise((r) => setTimeout(r, 2500));
    const late = await connect(null, group, { ticket: issued.body.ticket, waitWelcome: false });
    expect(await late.next("error")).toMatchObject({ code: "unauthenticated" });
  });

  it("an upgrade without credentials or with an old protocol version is refused", async () => {
    const [a, b] = users(2);
    const group = await createGroup(a!, [b!]);
    const res = await api(null, "GET", `/v1/conversations/${group}/ws`, undefined, {
      upgrade: "websocket",
    });
    expect(res.status).toBe(401);
    const old = await connect(a!, group, { v: 0, waitWelcome: false });
    expect(await old.next("error")).toMatchObject({ code: "unsupported_version" });
    await old.until(() => old.closed !== null, "close");
    expect(old.closed?.code).toBe(4426);
    // A newer client is talked to in the highest version both speak.
    const newer = await connect(a!, group, { v: 7 });
    expect(newer.of("welcome")[0]).toMatchObject({ v: PROTOCOL_VERSION });
    newer.close();
  });

  it("an upgrade with a malformed since is refused with invalid_request", async () => {
    const [a, b] = users(2);
    const group = await createGroup(a!, [b!]);
    const res = await SELF.fetch(
      `https://edge.test/v1/conversations/${group}/ws?v=1&since=yesterday`,
      { headers: { upgrade: "websocket", authorization: `Bearer ${await tokenFor(a!)}` } },
    );
    const ws = res.webSocket!;
    const frames: string[] = [];
    const closed = new Promise<number>((resolve) => {
      ws.addEventListener("close", (e) => resolve(e.code));
    });
    ws.addEventListener("message", (e) => frames.push(e.data as string));
    ws.accept();
    expect(await closed).toBe(4400);
    expect(JSON.parse(frames[0]!)).toMatchObject({ type: "error", code: "invalid_request" });
  });

  it("dev tokens exist in development only; production refuses HS256", async () => {
    const token = await tokenFor("someone");
    expect(token.split(".")).toHaveLength(3);
    const prodEnv = {
      ...env,
      ENVIRONMENT: "production",
      JWT_JWKS: JSON.stringify({ keys: [] }),
    };
    const call = async (path: string, init: RequestInit) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`https://edge.test${path}`, init), prodEnv, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const mint = await call("/dev/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "someone" }),
    });
    expect(mint.status).toBe(404);
    const hs = await call("/v1/conversations/g:abc", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(hs.status).toBe(401);
    expect((await call("/health", {})).status).toBe(200);
  });
});
