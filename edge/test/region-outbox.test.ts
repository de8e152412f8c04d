// The outbox: every message, receipt and membership change is appended in the same transaction and
// flushed from the send (the alarm backs it up) as IngestBatches (signed service token) to the fake
// ingester (Miniflare's outbound service, see support/fake-ingester.ts); failures retry with backoff and the breaker
// moves on to the next region; trimming never drops an unsent message; all of it survives eviction.
import { FRESH_HEALTH } from "@edge-chat/geo-router";
import { directConversationId, type IngestBatch, type RegionEvent } from "@edge-chat/protocol";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { ConversationStore } from "../src/conversation/store.ts";
import { regionOutboxDueAt } from "../src/region-outbox/flusher.ts";
import { api, connect, createGroup, eventually, range, users } from "./support/client.ts";

const stubOf = (id: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id));

async function ingested(conversationId: string) {
  const res = await fetch(
    `http://ingest.test/__control/batches?conversationId=${encodeURIComponent(conversationId)}`,
  );
  return (await res.json()) as {
    batches: { region: string; batch: IngestBatch }[];
    failuresLeft: number;
    rejected: number;
  };
}

async function failIngest(conversationId: string, times: number) {
  await fetch("http://ingest.test/__control/fail", {
    method: "POST",
    body: JSON.stringify({ conversationId, times }),
  });
}

const eventsOf = (batches: { batch: IngestBatch }[]): RegionEvent[] =>
  batches.flatMap((b) => b.batch.events);
const messageSeqs = (events: RegionEvent[]) =>
  events.flatMap((e) => (e.type === "message" ? [e.message.seq] : []));

async function sql<T>(id: string, query: string): Promise<T[]> {
  return runInDurableObject(stubOf(id), (_instance, state) =>
    state.storage.sql.exec(query).toArray(),
  ) as Promise<T[]>;
}

describe("outbox", () => {
  it("flushes messages, receipts and membership in order, in bounded batches", async () => {
    const [a, b, c] = users(3, "ob");
    const id = await createGroup(a!, [b!, c!]);
    const sa = await connect(a!, id);
    for (let i = 0; i < 120; i++) {
      sa.send({ type: "send", clientMsgId: `o${i}`, content: { kind: "text", text: `${i}` } });
    }
    await sa.until((f) => f.filter((x) => x.type === "ack").length === 120, "acks");
    await api(b!, "POST", `/v1/conversations/${id}/read`, { upToSeq: 100 });
    await eventually(async () => {
      const events = eventsOf((await ingested(id)).batches);
      return events.some((e) => e.type === "receipt");
    }, "all events ingested");
    const { batches, rejected } = await ingested(id);
    expect(rejected).toBe(0); // every service token verified, every batch matched IngestBatch
    const events = eventsOf(batches);
    expect(batches.every((x) => x.batch.events.length <= 50 && x.batch.conversationId === id)).toBe(
      true,
    );
    expect(new Set(batches.map((x) => x.batch.batchId)).size).toBe(batches.length);
    expect(messageSeqs(events)).toEqual(range(1, 121));
    expect(events.find((e) => e.type === "membership")).toMatchObject({
      kind: "group",
      asOfSeq: 1,
      members: [{ userId: a, role: "admin" }, { userId: b }, { userId: c }],
    });
    expect(events.at(-1)).toMatchObject({ type: "receipt", userId: b, readUpTo: 100 });
    await eventually(
      async () => (await sql<{ n: number }>(id, "SELECT COUNT(*) AS n FROM outbox"))[0]!.n === 0,
      "outbox emptied",
    );
    sa.close();
  });

  it("retries after failures, failing over to the next region, then backing off", async () => {
    const [a, b] = users(2, "retry");
    const id = directConversationId(a!, b!);
    await failIngest(id, 3);
    for (let i = 0; i < 5; i++) {
      await api(a!, "POST", `/v1/conversations/${id}/messages`, {
        clientMsgId: `r${i}`,
        content: { kind: "text", text: `${i}` },
      });
    }
    await eventually(
      async () => messageSeqs(eventsOf((await ingested(id)).batches)).length === 5,
      "flushed after retries",
    );
    const state = await ingested(id);
    expect(state.failuresLeft).toBe(0);
    expect(messageSeqs(eventsOf(state.batches))).toEqual(range(1, 5));
    // The failures are in the geo-router's state (kept in DO storage); the retry state is cleared.
    const router = await sql<{ value: string }>(
      id,
      "SELECT value FROM kv WHERE key = 'router:state'",
    );
    expect(router[0]!.value).toContain("test-a");
    const attempts = await sql<{ value: string }>(
      id,
      "SELECT value FROM kv WHERE key = 'outbox:attempts'",
    );
    expect(attempts).toEqual([]);
    // With failover, the first failure at test-a sent the same batch on to test-b.
    expect(state.batches.map((x) => x.region)).toContain("test-b");
  });

  it("keeps a conversation on the region that took its last batch while it is healthy", async () => {
    const [a, b] = users(2, "sticky");
    const id = directConversationId(a!, b!);
    const send = (i: number) =>
      api(a!, "POST", `/v1/conversations/${id}/messages`, {
        clientMsgId: `s${i}`,
        content: { kind: "text", text: `${i}` },
      });
    await send(0);
    await eventually(
      async () => messageSeqs(eventsOf((await ingested(id)).batches)).length === 1,
      "first flush",
    );
    // With no evidence either way the default (and nearest) region, test-a, takes it.
    expect((await ingested(id)).batches.map((x) => x.region)).toEqual(["test-a"]);
    // As after an earlier failover: the conversation's writer is now test-b, test-a failed just
    // now. test-a still ranks first on distance, but a healthy writer is kept (until the failback
    // time, 10 s after test-a's last failure), so one persister sees the whole stream.
    await drained(id);
    await afterFailover(id, Date.now());
    for (let i = 1; i <= 4; i++) await send(i);
    await eventually(
      async () => messageSeqs(eventsOf((await ingested(id)).batches)).length === 5,
      "later flushes",
    );
    const later = (await ingested(id)).batches.slice(1);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((x) => x.region === "test-b")).toBe(true);
    // Failback: once test-a's last failure is old enough (and test-b's last batch had its drain
    // time), the conversation goes home and stays there.
    await drained(id);
    await afterFailover(id, Date.now() - 60_000);
    for (let i = 5; i <= 8; i++) await send(i);
    await eventually(
      async () => messageSeqs(eventsOf((await ingested(id)).batches)).length === 9,
      "flushes after the failback",
    );
    const home = (await ingested(id)).batches.filter((x) =>
      messageSeqs(eventsOf([x])).some((seq) => seq >= 6),
    );
    expect(home.map((x) => x.region)).toEqual(home.map(() => "test-a"));
  });

  it("keeps unsent messages past the window through an outage and an eviction, then trims", async () => {
    const [a, b] = users(2, "trim");
    const id = directConversationId(a!, b!);
    await failIngest(id, 1_000_000);
    const sa = await connect(a!, id);
    const sb = await connect(b!, id);
    for (let i = 0; i < 175; i++) {
      sa.send({ type: "send", clientMsgId: `a${i}`, content: { kind: "text", text: "a" } });
      sb.send({ type: "send", clientMsgId: `b${i}`, content: { kind: "text", text: "b" } });
    }
    await sa.until((f) => f.filter((x) => x.type === "ack").length === 175, "acks a");
    await sb.until((f) => f.filter((x) => x.type === "ack").length === 175, "acks b");
    const count = async (table: string) =>
      (await sql<{ n: number }>(id, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n;
    // Window is 300, but none of the 350 has reached a region: all are kept.
    expect(await count("messages")).toBe(350);
    expect(await count("outbox")).toBeGreaterThanOrEqual(350);

    await evictDurableObject(stubOf(id), { webSockets: "close" });
    expect(await count("messages")).toBe(350);
    expect(await count("outbox")).toBeGreaterThanOrEqual(350);

    // The region recovers. Skip the remaining backoff wait by clearing retryAt, then fire the
    // alarm.
    await failIngest(id, 0);
    await sql(id, "DELETE FROM kv WHERE key = 'outbox:retryAt'");
    await runDurableObjectAlarm(stubOf(id));
    await eventually(async () => (await count("outbox")) === 0, "outbox drained");
    expect(await count("messages")).toBe(300);
    const seqs = messageSeqs(eventsOf((await ingested(id)).batches));
    expect(seqs).toEqual(range(1, 350));

    const sc = await connect(a!, id, { since: 0 });
    expect(await sc.next("sync_gap")).toMatchObject({ afterSeq: 0, oldestSeq: 51 });
    sc.close();

    // History older than the window comes from the region's history API, through the edge.
    const seqsOf = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);
    const back = await api(b!, "GET", `/v1/conversations/${id}/messages?before=60&limit=20`);
    expect(seqsOf(back.body)).toEqual(range(40, 59));
    expect(back.body).toMatchObject({ hasMore: true });
    expect(back.body.olderInRegion).toBeUndefined();
    const gap = await api(b!, "GET", `/v1/conversations/${id}/messages?after=0&limit=10`);
    expect(seqsOf(gap.body)).toEqual(range(1, 10));
    expect(gap.body.hasMore).toBe(true);
  });

  it("caps the retry delay after many failures at 5 s, so a returning region is used soon", async () => {
    const [a, b] = users(2, "cap");
    const id = directConversationId(a!, b!);
    await failIngest(id, 1_000_000);
    await api(a!, "POST", `/v1/conversations/${id}/messages`, {
      clientMsgId: "c",
      content: { kind: "text", text: "c" },
    });
    await eventually(
      async () => (await sql(id, "SELECT value FROM kv WHERE key = 'outbox:retryAt'")).length > 0,
      "a failed flush",
    );
    // As after a long outage: the 20th failure in a row (the uncapped delay would be minutes).
    await sql(id, "INSERT OR REPLACE INTO kv (key, value) VALUES ('outbox:attempts', '19')");
    await sql(id, "DELETE FROM kv WHERE key = 'outbox:retryAt'");
    // The object keeps its retry state in memory too: a fresh one reads the edited storage.
    await evictDurableObject(stubOf(id));
    const before = Date.now();
    await runDurableObjectAlarm(stubOf(id));
    const [row] = await sql<{ value: string }>(
      id,
      "SELECT value FROM kv WHERE key = 'outbox:retryAt'",
    );
    expect(Number(row!.value) - before).toBeLessThanOrEqual(5_000);
    await failIngest(id, 0);
  });

  it("flushes a lone message as soon as the region is free, not after a fixed linger", async () => {
    const [a, b] = users(2, "eager");
    const id = directConversationId(a!, b!);
    await api(a!, "POST", `/v1/conversations/${id}/messages`, {
      clientMsgId: "lone",
      content: { kind: "text", text: "lone" },
    });
    // Right after the ack, inside the DO (single-threaded, so the state cannot move under us):
    // either it has already gone, or it is due now, not at createdAt + a linger.
    const check = await runInDurableObject(stubOf(id), (_i, state) => {
      const store = new ConversationStore(state.storage.sql);
      const now = Date.now();
      const stats = store.regionOutbox.stats();
      const config = loadConfig(env);
      return { count: stats.count, due: regionOutboxDueAt({ store, config }, now), now, config };
    });
    expect(check.config.regionOutbox.maxAgeMs).toBe(0);
    if (check.count > 0) expect(check.due).toBeLessThanOrEqual(check.now);
    await eventually(
      async () => messageSeqs(eventsOf((await ingested(id)).batches)).length === 1,
      "the lone message ingested",
    );
    // It went alone: nothing held it back to fill a batch.
    const { batches } = await ingested(id);
    expect(batches.filter((x) => x.batch.events.some((e) => e.type === "message"))).toHaveLength(1);
  });

  it("starts the flush from the send itself: no alarm is needed for a message to leave", async () => {
    const [a, b] = users(2, "pump");
    const id = directConversationId(a!, b!);
    // Inside the DO: send, then take away whatever alarm the send set. A flush that waited for
    // the alarm (as it did before the pump) would never happen; this one is already on its way.
    await runInDurableObject(stubOf(id), async (instance, state) => {
      const answer = await instance.send(
        { conversationId: id, userId: a! },
        { clientMsgId: "pumped", content: { kind: "text", text: "no alarm" } },
      );
      expect(answer).toMatchObject({ ok: true });
      await state.storage.deleteAlarm();
    });
    await eventually(
      async () => messageSeqs(eventsOf((await ingested(id)).batches)).length === 1,
      "the message ingested without an alarm",
    );
  });

  it("keeps its count, oldest time and oldest message in memory, equal to the table's", async () => {
    const [a, b] = users(2, "stats");
    const id = directConversationId(a!, b!);
    await api(a!, "POST", `/v1/conversations/${id}/messages`, {
      clientMsgId: "s0",
      content: { kind: "text", text: "s0" },
    });
    const result = await runInDurableObject(stubOf(id), (_i, state) => {
      const sqlite = state.storage.sql;
      const store = new ConversationStore(sqlite);
      const outbox = store.regionOutbox;
      const table = () => {
        const row = sqlite
          .exec<{ n: number; oldest: number | null; seq: number | null }>(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest, MIN(msg_seq) AS seq FROM outbox",
          )
          .one();
        return {
          count: row.n,
          oldestCreatedAt: row.oldest ?? undefined,
          seq: row.seq ?? undefined,
        };
      };
      const memory = () => ({ ...outbox.stats(), seq: outbox.oldestMessageSeq() });
      const seen: { memory: unknown; table: unknown }[] = [];
      const check = () => seen.push({ memory: memory(), table: table() });
      check(); // first read: from the table
      const last = store.lastMessage()!;
      for (let i = 1; i <= 3; i++) {
        outbox.append({ type: "message", message: { ...last, seq: last.seq + i } }, Date.now() + i);
        check(); // kept by append, no query
      }
      outbox.deleteUpTo(outbox.head(2).at(-1)!.id);
      check(); // after a delete
      outbox.deleteUpTo(Number.MAX_SAFE_INTEGER);
      check();
      outbox.append(
        { type: "receipt", conversationId: id, userId: a!, deliveredUpTo: 1, readUpTo: 0, at: 5 },
        Date.now() + 5,
      );
      check(); // into an empty outbox: the oldest time is this event's, no message
      // A rolled-back transaction that did not tell the store: the count runs ahead until the
      // next head() finds out, and never below the table.
      try {
        state.storage.transactionSync(() => {
          outbox.append(
            { type: "message", message: { ...last, seq: last.seq + 9 } },
            Date.now() + 9,
          );
          throw new Error("roll back");
        });
      } catch {
        // Expected: the transaction rolled back.
      }
      const ahead = { memory: outbox.stats().count, table: table().count };
      outbox.head(100);
      outbox.deleteUpTo(Number.MAX_SAFE_INTEGER);
      outbox.head(100);
      check();
      return { seen, ahead };
    });
    for (const { memory, table } of result.seen) expect(memory).toEqual(table);
    expect(result.seen.map((s) => (s.table as { count: number }).count)).toEqual([
      expect.any(Number),
      ...[1, 2, 3].map((i) => (result.seen[0]!.table as { count: number }).count + i),
      expect.any(Number),
      0,
      1,
      0,
    ]);
    expect(result.ahead.memory).toBeGreaterThanOrEqual(result.ahead.table);
  });

  it("with no region configured, nothing is due and the outbox accumulates", async () => {
    const [a, b] = users(2, "noregion");
    const id = directConversationId(a!, b!);
    await api(a!, "POST", `/v1/conversations/${id}/messages`, {
      clientMsgId: "x",
      content: { kind: "text", text: "x" },
    });
    const due = await runInDurableObject(stubOf(id), (_i, state) => {
      const store = new ConversationStore(state.storage.sql);
      return regionOutboxDueAt({ store, config: { ...loadConfig(env), regions: [] } }, Date.now());
    });
    expect(due).toBeUndefined();
  });
});

/**
 * The outbox is empty: the DO has also stored what its last flush learnt (the ingest records a
 * batch before it answers, so seeing the batch there is not enough).
 */
async function drained(id: string): Promise<void> {
  await eventually(
    async () => (await sql<{ n: number }>(id, "SELECT COUNT(*) AS n FROM outbox"))[0]?.n === 0,
    "the outbox to be empty",
  );
}

/** The DO's router state as after a failover from test-a (failed at `failedAt`) to test-b. */
async function afterFailover(id: string, failedAt: number): Promise<void> {
  const failed = { ...FRESH_HEALTH, lastFailureAt: failedAt };
  await runInDurableObject(stubOf(id), (_instance, state) => {
    const put = (key: string, value: unknown) =>
      state.storage.sql.exec(
        "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)",
        key,
        JSON.stringify(value),
      );
    put("router:region", "test-b");
    put("router:deliveredAt", failedAt);
    put("router:state", { version: 1, regions: { "test-a": failed } });
  });
}
