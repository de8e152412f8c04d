// Media routes through the real Worker and ConversationDO, with the regions' media API faked in
// Node (support/fake-media.ts, Miniflare's outbound service): members get the region's upload
// ticket and download URL; non-members and unknown conversations get not_found and the region is
// never asked; a message may only reference objects a region verified for its sender there.
import {
  directConversationId,
  LIMITS,
  MediaDownloadTicket,
  MediaUploadTicket,
  type UserContent,
  VerifiedMedia,
} from "@edge-chat/protocol";
import { runInDurableObject, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationStore } from "../src/conversation/store.ts";
import type { MediaCall } from "./support/fake-media.ts";
import { api, connect, createGroup, tokenFor, users } from "./support/client.ts";

async function regionCalls(conversationId: string): Promise<MediaCall[]> {
  const res = await fetch(
    `http://ingest.test/__control/media?conversationId=${encodeURIComponent(conversationId)}`,
  );
  return ((await res.json()) as { calls: MediaCall[] }).calls;
}

const upload = (user: string, conversationId: string, body: unknown = png) =>
  api(user, "POST", `/v1/conversations/${conversationId}/media`, body);

const png = { kind: "image", mime: "image/png", size: 1234 } as const;

const verify = (user: string, conversationId: string, objectKey: string) =>
  api(user, "POST", `/v1/conversations/${conversationId}/media/verify`, { objectKey });

/** A download without following the redirect, as a browser's <img> would first see it. */
async function download(user: string, conversationId: string, key: string, accept?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenFor(user)}` };
  if (accept) headers.accept = accept;
  return SELF.fetch(`https://edge.test/v1/conversations/${conversationId}/media/${key}`, {
    headers,
    redirect: "manual",
  });
}

const imageOf = (
  objectKey: string,
  thumbnailKey?: string,
): Extract<UserContent, { kind: "image" }> => ({
  kind: "image",
  media: {
    objectKey,
    mime: "image/png",
    size: 1234,
    width: 10,
    height: 10,
    ...(thumbnailKey ? { thumbnailKey } : {}),
  },
});

describe("media", () => {
  it("a member gets the region's upload ticket for a key under the conversation", async () => {
    const [a, b] = users(2, "md");
    const group = await createGroup(a!, [b!]);
    const res = await upload(b!, group, png);
    expect(res.status).toBe(201);
    const ticket = MediaUploadTicket.parse(res.body);
    expect(ticket.objectKey.startsWith(`c/${group}/`)).toBe(true);
    expect(ticket.headers).toEqual({ "content-type": "image/png", "content-length": "1234" });
    const calls = await regionCalls(group);
    expect(calls).toEqual([
      {
        region: "test-a",
        kind: "uploads",
        body: { userId: b, conversationId: group, ...png },
      },
    ]);
    // A direct conversation works from its first use.
    const direct = directConversationId(a!, b!);
    expect((await upload(a!, direct)).status).toBe(201);
  });

  it("a non-member or an unknown conversation gets not_found and the region is never called", async () => {
    const [a, b, eve] = users(3, "mn");
    const group = await createGroup(a!, [b!]);
    const member = MediaUploadTicket.parse((await upload(a!, group)).body);
    const direct = directConversationId(a!, b!);
    const answers = [
      await upload(eve!, group),
      await upload(eve!, direct),
      await upload(eve!, "g:doesnotexist"),
      await upload(eve!, "not-an-id"),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const get = await download(eve!, group, member.objectKey, "application/json");
    expect(get.status).toBe(404);
    // Only the member's own upload reached the region.
    expect((await regionCalls(group)).map((c) => c.body.userId)).toEqual([a]);
    for (const id of [direct, "g:doesnotexist"]) expect(await regionCalls(id)).toEqual([]);
    // And without credentials nothing is asked of anyone.
    expect((await api(null, "POST", `/v1/conversations/${group}/media`, png)).status).toBe(401);
  });

  it("refuses a bad type or size before asking the conversation or the region", async () => {
    const [a] = users(1, "mz");
    const group = await createGroup(a!, []);
    const over = await upload(a!, group, { ...png, size: LIMITS.maxMediaBytes.image + 1 });
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe("content_too_large");
    const svg = await upload(a!, group, { ...png, mime: "image/svg+xml" });
    expect(svg.status).toBe(400);
    expect(svg.body.error.code).toBe("invalid_request");
    expect((await upload(a!, group, { kind: "image" })).status).toBe(400);
    expect(await regionCalls(group)).toEqual([]);
  });

  it("a member downloads through a redirect or a JSON ticket; unknown keys are not_found", async () => {
    const [a, b] = users(2, "mdl");
    const group = await createGroup(a!, [b!]);
    const { objectKey } = MediaUploadTicket.parse((await upload(a!, group)).body);
    const redirect = await download(b!, group, objectKey);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toMatch(/^http:\/\/media\.test\/bucket\/.+X-Amz/);
    expect(redirect.headers.get("cache-control")).toBe("private, no-store");
    const asJson = await download(b!, group, encodeURIComponent(objectKey), "application/json");
    expect(asJson.status).toBe(200);
    expect(MediaDownloadTicket.parse(await asJson.json()).objectKey).toBe(objectKey);
    // The region's verdict on a key it never issued for this conversation is passed on.
    const unknown = await download(b!, group, `c/${group}/${crypto.randomUUID()}`);
    expect(unknown.status).toBe(404);
    const calls = await regionCalls(group);
    expect(calls.filter((c) => c.kind === "downloads").map((c) => c.body.objectKey)).toEqual([
      objectKey,
      objectKey,
      expect.stringMatching(new RegExp(`^c/${group}/`)),
    ]);
  });

  it("upload tickets spend the member's send budget; an empty one is rate_limited", async () => {
    const [a] = users(1, "mr");
    const group = await createGroup(a!, []);
    // The object's own store: the buckets live in its memory, not in SQLite.
    const store = <T>(fn: (s: ConversationStore) => T) =>
      runInDurableObject(env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(group)), (instance) =>
        fn((instance as unknown as { store: ConversationStore }).store),
      );
    // Freeze the bucket (far-future updatedAt, so it does not refill) with two tokens left.
    const future = Date.now() + 3_600_000;
    await store((s) => s.setUserBucket(a!, { tokens: 2, updatedAt: future }));
    expect((await upload(a!, group)).status).toBe(201);
    expect((await store((s) => s.userBucket(a!)))?.tokens).toBe(1);
    expect((await upload(a!, group)).status).toBe(201);
    const limited = await upload(a!, group);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Sends share the bucket, and the refused ticket never reached a region.
    const send = await api(a!, "POST", `/v1/conversations/${group}/messages`, {
      clientMsgId: "after",
      content: { kind: "text", text: "hi" },
    });
    expect(send.status).toBe(429);
    expect(await regionCalls(group)).toHaveLength(2);
  });

  it("fails over to the next region when the nearest one fails", async () => {
    const [a] = users(1, "mf");
    const group = await createGroup(a!, []);
    await fetch("http://ingest.test/__control/media/fail", {
      method: "POST",
      body: JSON.stringify({ times: 1 }),
    });
    expect((await upload(a!, group)).status).toBe(201);
    // Which region ranks first depends on the latencies this isolate measured in earlier tests;
    // what matters is that the failed call was retried once, in the other region.
    const regions = (await regionCalls(group)).map((c) => c.region);
    expect(regions).toHaveLength(2);
    expect(new Set(regions)).toEqual(new Set(["test-a", "test-b"]));
  });

  it("a message may only reference objects the region verified for this sender here", async () => {
    const [a, b, c] = users(3, "mk");
    const group = await createGroup(a!, [b!]);
    const other = await createGroup(c!, [a!]);
    const mine = MediaUploadTicket.parse((await upload(a!, group)).body).objectKey;
    const foreignUpload = MediaUploadTicket.parse((await upload(a!, other)).body).objectKey;
    const foreign = VerifiedMedia.parse((await verify(a!, other, foreignUpload)).body).objectKey;
    const send = (clientMsgId: string, content: UserContent, user = a!) =>
      api(user, "POST", `/v1/conversations/${group}/messages`, { clientMsgId, content });

    // Before verification the upload cannot be sent.
    const early = await send("early", imageOf(mine));
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe("invalid_request");

    const verified = await verify(a!, group, mine);
    expect(verified.status).toBe(200);
    const media = VerifiedMedia.parse(verified.body);
    expect(media.objectKey).not.toBe(mine);
    expect(media.objectKey.startsWith(`c/${group}/`)).toBe(true);

    for (const [id, content, user] of [
      ["f1", imageOf(foreign), a!],
      ["f2", imageOf(`c/${group}/../${foreign}`), a!],
      ["f3", imageOf(mine), a!], // the raw upload, not the published object
      ["f4", imageOf(media.objectKey), b!], // verified for a, sent by b
      ["f5", { kind: "image", media: { ...imageOf(media.objectKey).media, size: 1235 } }, a!],
      [
        "f6",
        { kind: "image", media: { ...imageOf(media.objectKey).media, mime: "image/jpeg" } },
        a!,
      ],
    ] as const) {
      const res = await send(id, content as UserContent, user);
      expect(res.status, id).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
    // The same rule holds on the WebSocket.
    const socket = await connect(a!, group);
    socket.send({ type: "send", clientMsgId: "ws1", reqId: "r1", content: imageOf(foreign) });
    expect(await socket.next("error")).toMatchObject({ code: "invalid_request", reqId: "r1" });
    socket.close();

    // The client's own thumbnail key is replaced by the region's, with its placeholder and size.
    const ok = await send("ok", imageOf(media.objectKey, mine));
    expect(ok.status).toBe(201);
    const page = await api(b!, "GET", `/v1/conversations/${group}/messages`);
    const messages = page.body.messages as Array<{ content: UserContent }>;
    expect(messages.map((m) => m.content.kind)).toEqual(["system", "image"]);
    expect(messages[1]!.content).toEqual({
      kind: "image",
      media: {
        objectKey: media.objectKey,
        mime: "image/png",
        size: 1234,
        width: 64,
        height: 48,
        thumbnailKey: media.thumbnailKey,
        placeholder: media.placeholder,
      },
    });
  });

  it("verification: the region's refusal is passed on and nothing is recorded; non-members are not_found", async () => {
    const [a, b, eve] = users(3, "mv");
    const group = await createGroup(a!, [b!]);
    const key = MediaUploadTicket.parse((await upload(a!, group)).body).objectKey;
    await fetch("http://ingest.test/__control/media/refuse", {
      method: "POST",
      body: JSON.stringify({ times: 1 }),
    });
    const refused = await verify(a!, group, key);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("invalid_request");
    // Another member cannot verify a's upload, and a non-member never reaches the region.
    expect((await verify(b!, group, key)).status).toBe(404);
    const before = (await regionCalls(group)).length;
    const outsider = await verify(eve!, group, key);
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe("not_found");
    expect(await regionCalls(group)).toHaveLength(before);
    // Nothing was recorded by the refusal: no published key exists to send.
    const records = await runInDurableObject(
      env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(group)),
      (_i, state) =>
        state.storage.sql.exec("SELECT COUNT(*) AS n FROM verified_media").one().n as number,
    );
    expect(records).toBe(0);
  });
});
