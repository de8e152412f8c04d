// Message changes through the real Worker and ConversationDO: edit, delete for everyone and for
// me, reactions. Each change is its own sequenced message (acked, fanned out, synced, sent to the
// region outbox) and is folded into the window, so history and sync return the latest state.
// Every refusal is typed: not a member, not yours, window expired, not an admin, deleted.
import { directConversationId, foldAll, type IngestBatch, type Message } from "@edge-chat/protocol";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, connect, createGroup, eventually, users } from "./support/client.ts";

const stubOf = (id: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id));
const path = (id: string, rest = "") => `/v1/conversations/${encodeURIComponent(id)}${rest}`;

async function send(user: string, id: string, text: string, replyToSeq?: number) {
  const body: Record<string, unknown> = {
    clientMsgId: crypto.randomUUID(),
    content: { kind: "text", text },
  };
  if (replyToSeq !== undefined) body.replyToSeq = replyToSeq;
  const res = await api(user, "POST", path(id, "/messages"), body);
  expect(res.status).toBe(201);
  return res.body.seq as number;
}

async function history(user: string, id: string): Promise<Message[]> {
  const res = await api(user, "GET", path(id, "/messages?limit=200"));
  expect(res.status).toBe(200);
  return res.body.messages;
}

/** Moves a window row's send time back, as if it had been sent `ms` ago. */
async function backdate(id: string, seq: number, ms: number): Promise<void> {
  await runInDurableObject(stubOf(id), (_instance, state) => {
    state.storage.sql.exec(
      "UPDATE messages SET body = json_set(body, '$.serverTs', json_extract(body, '$.serverTs') - ?) WHERE seq = ?",
      ms,
      seq,
    );
  });
}

const edit = (
  user: string,
  id: string,
  seq: number,
  text: string,
  clientMsgId = crypto.randomUUID(),
) => api(user, "POST", path(id, `/messages/${seq}/edit`), { clientMsgId, text });
const del = (user: string, id: string, seq: number) =>
  api(user, "POST", path(id, `/messages/${seq}/delete`), {
    scope: "everyone",
    clientMsgId: crypto.randomUUID(),
  });
const react = (user: string, id: string, seq: number, emoji: string | null) =>
  api(user, "PUT", path(id, `/messages/${seq}/reaction`), {
    clientMsgId: crypto.randomUUID(),
    emoji,
  });

describe("edit", () => {
  it("the sender edits over the socket; everyone sees the change, history the new text", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const sa = await connect(a!, id);
    const sb = await connect(b!, id);
    const seq = await send(a!, id, "helo");
    sa.send({ type: "edit", reqId: "e1", clientMsgId: "e1", targetSeq: seq, text: "hello" });
    const ack = await sa.next("ack", (f) => f.reqId === "e1");
    expect(ack.seq).toBe(seq + 1);
    const change = await sb.next("message", (f) => f.message.seq === seq + 1);
    expect(change.message).toMatchObject({
      senderId: a,
      content: { kind: "edit", targetSeq: seq, text: "hello" },
    });
    // A resend of the same clientMsgId is the same edit, not a second one.
    sa.send({ type: "edit", reqId: "e1b", clientMsgId: "e1", targetSeq: seq, text: "hello" });
    expect(await sa.next("ack", (f) => f.reqId === "e1b")).toMatchObject({ seq: seq + 1 });
    expect((await edit(a!, id, seq, "hello!")).status).toBe(201);

    const rows = await history(b!, id);
    expect(rows.find((m) => m.seq === seq)).toMatchObject({
      content: { kind: "text", text: "hello!" },
      editSeq: seq + 2,
    });
    expect(rows.map((m) => m.seq)).toEqual([seq, seq + 1, seq + 2]);
    // The edit history is the sender's.
    const versions = await api(a!, "GET", path(id, `/messages/${seq}/edits`));
    expect(versions.body.versions.map((v: { text: string }) => v.text)).toEqual([
      "helo",
      "hello",
      "hello!",
    ]);
    const theirs = await api(b!, "GET", path(id, `/messages/${seq}/edits`));
    expect([theirs.status, theirs.body.error.code]).toEqual([403, "not_sender"]);
    for (const s of [sa, sb]) s.close();
  });

  it("typed refusals: not a member, not yours, window expired, not text", async () => {
    const [a, b, outsider] = users(3);
    const id = await createGroup(a!, [b!]);
    const seq = await send(a!, id, "mine");
    const refusal = async (
      res: Promise<{ status: number; body: { error?: { code: string } } | null }>,
    ) => {
      const r = await res;
      return [r.status, r.body?.error?.code];
    };
    expect(await refusal(edit(outsider!, id, seq, "x"))).toEqual([404, "not_found"]);
    expect(await refusal(edit(b!, id, seq, "x"))).toEqual([403, "not_sender"]);
    expect(await refusal(edit(a!, id, seq + 50, "x"))).toEqual([404, "not_found"]);
    expect(await refusal(edit(a!, id, 1, "x"))).toEqual([400, "invalid_request"]); // system
    const bad = await api(a!, "POST", path(id, `/messages/${seq}/edit`), { text: "no id" });
    expect(bad.status).toBe(400);
    await backdate(id, seq, 15 * 60_000 + 1000);
    expect(await refusal(edit(a!, id, seq, "late"))).toEqual([403, "window_expired"]);
    // The refusals left no trace in the order.
    expect((await history(a!, id)).map((m) => m.seq)).toEqual([1, seq]);
  });

  it("over the socket a refusal is an error frame with the reqId", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const seq = await send(a!, id, "x");
    const sb = await connect(b!, id);
    sb.send({ type: "edit", reqId: "no", clientMsgId: "no", targetSeq: seq, text: "y" });
    expect(await sb.next("error", (e) => e.reqId === "no")).toMatchObject({ code: "not_sender" });
    sb.close();
  });
});

describe("delete", () => {
  it("for everyone: a tombstone everywhere, its edits and quotes scrubbed, then final", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const sb = await connect(b!, id);
    const seq = await send(a!, id, "oops secret");
    expect((await edit(a!, id, seq, "still secret")).status).toBe(201);
    expect((await react(b!, id, seq, "😮")).status).toBe(201);
    const res = await del(a!, id, seq);
    expect(res.status).toBe(201);
    const change = await sb.next("message", (f) => f.message.seq === res.body.seq);
    expect(change.message.content).toEqual({
      kind: "delete",
      targetSeq: seq,
      moderation: false,
      scrub: [seq + 1],
    });
    const rows = await history(b!, id);
    expect(rows.find((m) => m.seq === seq)).toMatchObject({
      content: { kind: "deleted" },
      deletedBy: a,
    });
    expect(rows.find((m) => m.seq === seq)!.reactions).toBeUndefined();
    expect(rows.find((m) => m.seq === seq + 1)!.content).toEqual({ kind: "edit", targetSeq: seq });
    // Nothing of the text is left in the DO's storage.
    const stored = await runInDurableObject(stubOf(id), (_i, state) =>
      state.storage.sql
        .exec<{ n: number }>(
          "SELECT (SELECT COUNT(*) FROM messages WHERE body LIKE '%secret%') + (SELECT COUNT(*) FROM message_versions) AS n",
        )
        .one(),
    );
    expect(stored.n).toBe(0);
    for (const [r, code] of [
      [await edit(a!, id, seq, "back"), "message_deleted"],
      [await react(b!, id, seq, "👍"), "message_deleted"],
      [await del(a!, id, seq), "message_deleted"],
    ] as const) {
      expect([r.status, r.body.error.code]).toEqual([410, code]);
    }
    sb.close();
  });

  it("only the sender within the window, or an admin at any time (moderation)", async () => {
    const [admin, b, c] = users(3);
    const id = await createGroup(admin!, [b!, c!]);
    const seqB = await send(b!, id, "b says");
    const r1 = await del(c!, id, seqB);
    expect([r1.status, r1.body.error.code]).toEqual([403, "forbidden"]);
    await backdate(id, seqB, 48 * 60 * 60_000 + 1000);
    const r2 = await del(b!, id, seqB);
    expect([r2.status, r2.body.error.code]).toEqual([403, "window_expired"]);
    const r3 = await del(admin!, id, seqB);
    expect(r3.status).toBe(201);
    const rows = await history(c!, id);
    expect(rows.find((m) => m.seq === r3.body.seq)!.content).toMatchObject({
      kind: "delete",
      moderation: true,
    });
  });

  it("for me: hidden on the member's own devices only, and told again on connect", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const seq = await send(a!, id, "hide me");
    const b1 = await connect(b!, id);
    const b2 = await connect(b!, id);
    const sa = await connect(a!, id);
    b1.send({ type: "hide", reqId: "h", seqs: [seq] });
    expect(await b1.next("hidden", (f) => f.reqId === "h")).toMatchObject({ seqs: [seq] });
    expect(await b2.next("hidden")).toMatchObject({ seqs: [seq] });
    expect((await api(b!, "GET", path(id, "/messages/hidden"))).body).toEqual({ seqs: [seq] });
    expect((await api(a!, "GET", path(id, "/messages/hidden"))).body).toEqual({ seqs: [] });
    // The other member's devices hear nothing of it.
    sa.send({ type: "ping", reqId: "p" });
    await sa.next("pong");
    expect(sa.of("hidden")).toEqual([]);
    const me = await api(a!, "POST", path(id, `/messages/${seq}/delete`), { scope: "me" });
    expect(me.status).toBe(204);
    expect(await sa.next("hidden")).toMatchObject({ seqs: [seq] });
    const b3 = await connect(b!, id);
    expect(await b3.next("hidden")).toMatchObject({ seqs: [seq] });
    // The message itself is untouched for the others, and no seq was spent.
    expect((await history(b!, id)).map((m) => m.seq)).toEqual([seq]);
    for (const s of [b1, b2, b3, sa]) s.close();
  });
});

describe("reactions", () => {
  it("one per member, replaced and removed; counts on the message, who in a list", async () => {
    const [a, b, c] = users(3);
    const id = await createGroup(a!, [b!, c!]);
    const seq = await send(a!, id, "react to me");
    expect((await react(b!, id, seq, "👍")).status).toBe(201);
    expect((await react(c!, id, seq, "👍")).status).toBe(201);
    const swap = await react(b!, id, seq, "❤️");
    expect(swap.status).toBe(201);
    let rows = await history(a!, id);
    expect(rows.find((m) => m.seq === seq)!.reactions).toEqual([
      { emoji: "❤️", count: 1 },
      { emoji: "👍", count: 1 },
    ]);
    expect(rows.find((m) => m.seq === swap.body.seq)!.content).toEqual({
      kind: "reaction",
      targetSeq: seq,
      emoji: "❤️",
      previous: "👍",
    });
    const who = await api(a!, "GET", path(id, `/messages/${seq}/reactions`));
    expect(
      Object.fromEntries(
        who.body.reactions.map((r: { userId: string; emoji: string }) => [r.userId, r.emoji]),
      ),
    ).toEqual({ [b!]: "❤️", [c!]: "👍" });
    const same = await react(c!, id, seq, "👍");
    expect([same.status, same.body.error.code]).toEqual([409, "conflict"]);
    expect((await react(c!, id, seq, null)).status).toBe(201);
    rows = await history(a!, id);
    expect(rows.find((m) => m.seq === seq)!.reactions).toEqual([{ emoji: "❤️", count: 1 }]);
    const bad = await react(b!, id, seq, "two words");
    expect(bad.status).toBe(400);
  });
});

describe("replies and mentions", () => {
  it("a reply quotes its target until it is deleted; @member ids are resolved", async () => {
    const [a, b, c] = users(3);
    const id = await createGroup(a!, [b!, c!]);
    const seq = await send(a!, id, "the original words");
    const reply = await send(b!, id, `agree @${a} and @${c}, not @nobody`, seq);
    let row = (await history(c!, id)).find((m) => m.seq === reply)!;
    expect(row.quote).toEqual({
      senderId: a,
      kind: "text",
      excerpt: "the original words",
      deleted: false,
    });
    expect(row.mentions).toEqual([a, c]);
    const res = await del(a!, id, seq);
    expect(res.body.seq).toBeGreaterThan(reply);
    row = (await history(c!, id)).find((m) => m.seq === reply)!;
    expect(row.quote).toEqual({ senderId: a, kind: "deleted", deleted: true });
    const change = (await history(c!, id)).find((m) => m.seq === res.body.seq)!;
    expect(change.content).toMatchObject({ kind: "delete", scrub: [reply] });
    // A reply to a deleted message says so from the start.
    const late = await send(c!, id, "what was it?", seq);
    row = (await history(c!, id)).find((m) => m.seq === late)!;
    expect(row.quote).toEqual({ senderId: a, kind: "deleted", deleted: true });
  });
});

describe("sync", () => {
  it("a device offline during changes replays them in order and folds to what history says", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const s1 = await send(a!, id, "one");
    const s2 = await send(b!, id, "two", s1);
    const offlineAt = s2;
    await edit(a!, id, s1, "one (edited)");
    await react(a!, id, s2, "🎉");
    await react(a!, id, s2, "👀");
    await del(b!, id, s2);
    await send(a!, id, "three");
    const device = await connect(b!, id, { since: offlineAt });
    const batch = await device.next("sync_batch");
    const replayed = batch.messages.map((m) => m.seq);
    expect(replayed).toEqual(Array.from({ length: replayed.length }, (_, i) => offlineAt + 1 + i));
    // The device held s1 and s2 as they were sent; folding what it missed gives history's state.
    const before = (await history(b!, id)).filter((m) => m.seq <= offlineAt);
    const held: Message[] = before.map((m) =>
      m.seq === s1
        ? { ...m, content: { kind: "text", text: "one" }, editedAt: undefined, editSeq: undefined }
        : m,
    );
    const strip = (ms: Message[]) => JSON.parse(JSON.stringify(ms));
    expect(strip(foldAll([...held, ...batch.messages]))).toEqual(
      strip(foldAll(await history(b!, id))),
    );
    device.close();
  });

  it("changes go to the region like messages (the region outbox carries them in order)", async () => {
    const [a, b] = users(2);
    const id = directConversationId(a!, b!);
    const seq = await send(a!, id, "to the region");
    const e = await edit(a!, id, seq, "edited for the region");
    await eventually(async () => {
      const res = await fetch(
        `http://ingest.test/__control/batches?conversationId=${encodeURIComponent(id)}`,
      );
      const { batches } = (await res.json()) as { batches: { batch: IngestBatch }[] };
      return batches
        .flatMap((x) => x.batch.events)
        .some((ev) => ev.type === "message" && ev.message.seq === e.body.seq);
    }, "the edit in an ingest batch");
  });
});
