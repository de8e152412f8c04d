// The persister over the embedded log and in-memory repositories (the embedded adapters themselves,
// not test doubles): order, dead letters, crash/replay and shutdown.
import { ChatError, type Message } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import {
  membershipEvent,
  message,
  messageEvent,
  receiptEvent,
  waitFor,
} from "../../test/fixtures.ts";
import { EmbeddedLog } from "../events/embedded-log.ts";
import { REFERENCE_PREFIX, type ReferenceStore } from "../media/references.ts";
import type { ConsumedBatch, EventConsumer } from "../events/ports.ts";
import { createMetrics } from "../metrics.ts";
import { memoryRepositories } from "../repositories/memory.ts";
import type { Repositories } from "../repositories/ports.ts";
import { Persister } from "./persister.ts";

const TOPIC = "events";
const DLQ = "events.dlq";
const fastRetry = {
  initialDelayMs: 1,
  factor: 2,
  maxDelayMs: 5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

function setup(
  repositories: Repositories = memoryRepositories(),
  log = new EmbeddedLog({ partitions: 3, maxBatchRecords: 10 }),
  media?: ReferenceStore,
) {
  const metrics = createMetrics("test");
  const persister = (consumer: EventConsumer = log.consumer(TOPIC, "group")) =>
    new Persister({
      consumer,
      deadLetters: log.publisher(DLQ),
      repositories,
      metrics,
      concurrency: 4,
      maxUnknownAttempts: 3,
      retry: fastRetry,
      ...(media ? { media } : {}),
    });
  const publish = (conversationId: string, events: unknown[]) =>
    log.publisher(TOPIC).publish(
      events.map((event) => ({
        key: conversationId,
        value: typeof event === "string" ? event : JSON.stringify(event),
      })),
    );
  return { log, repositories, metrics, persister, publish };
}

/** Counts every repository call as a read (get, list, page, memberState) or a write (the rest). */
function countingRepositories(
  inner: Repositories,
  calls: { reads: number; writes: number },
): Repositories {
  const wrap = <T extends object>(repository: T): T =>
    new Proxy(repository, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (/^(get|list|page|memberState)$/.test(String(name))) calls.reads++;
          else calls.writes++;
          return value.apply(target, args);
        };
      },
    });
  return Object.fromEntries(
    Object.entries(inner).map(([name, repository]) => [name, wrap(repository)]),
  ) as unknown as Repositories;
}

async function seqs(repositories: Repositories, conversationId: string): Promise<number[]> {
  const page = await repositories.messages.page(conversationId, { after: 0, limit: 200 });
  return page.messages.map((m) => m.seq);
}

describe("Persister", () => {
  it("marks the objects of each media message referenced (one PUT per key), and of no text message", async () => {
    // The store's adapter is contract-tested against real stores; this records what is asked of it.
    const marked: string[] = [];
    const media: ReferenceStore = {
      put: async (key, body) => {
        expect(body.length).toBe(0);
        marked.push(key);
      },
      delete: async () => {},
    };
    const { repositories, persister, publish } = setup(undefined, undefined, media);
    const running = persister();
    await running.start();
    const image: Message = {
      ...message("g:media", 2),
      content: {
        kind: "image",
        media: {
          objectKey: "c/g:media/copy",
          thumbnailKey: "c/g:media/thumb",
          mime: "image/png",
          size: 10,
          width: 2,
          height: 2,
        },
      },
    };
    await publish("g:media", [
      membershipEvent("g:media", ["alice", "bob"], 0),
      messageEvent("g:media", 1),
      { type: "message", message: image },
    ]);
    // Marks follow the rows (and the text message before them) within the step.
    await waitFor(async () => marked.length === 2);
    await running.stop();
    expect(await seqs(repositories, "g:media")).toEqual([1, 2]);
    expect(marked.toSorted()).toEqual([
      `${REFERENCE_PREFIX}c/g:media/copy`,
      `${REFERENCE_PREFIX}c/g:media/thumb`,
    ]);
  });

  it("persists many conversations, each in order, with list rows and unread counts", async () => {
    const { repositories, persister, publish } = setup();
    const running = persister();
    await running.start();
    const convs = ["g:a", "g:b", "g:c", "g:d", "g:e"];
    for (const conv of convs) await publish(conv, [membershipEvent(conv, ["alice", "bob"], 0)]);
    for (let seq = 1; seq <= 30; seq++)
      for (const conv of convs) await publish(conv, [messageEvent(conv, seq)]);
    await publish("g:a", [receiptEvent("g:a", "bob", 30, 25)]);
    await waitFor(async () => (await repositories.receipts.get("g:a", "bob")) !== null);
    for (const conv of convs) {
      await waitFor(async () => (await seqs(repositories, conv)).length === 30);
      expect(await seqs(repositories, conv)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }
    // The list is derived from the conversation's state: bob read up to 25; alice sent everything.
    expect(await repositories.receipts.memberState("g:a", "bob")).toMatchObject({
      lastMessageSeq: 30,
      lastReadSeq: 25,
    });
    expect(await repositories.receipts.memberState("g:a", "alice")).toMatchObject({
      lastMessageSeq: 30,
      lastReadSeq: 30,
    });
    expect((await repositories.userConversations.list("bob")).map((r) => r.conversationId)).toEqual(
      convs,
    );
    await running.stop();
  });

  it("costs O(1) storage calls per message whatever the group size, and reads nothing", async () => {
    const calls = { reads: 0, writes: 0 };
    // The test reads through `inner`, so only the persister's own calls are counted.
    const inner = memoryRepositories();
    const counted = countingRepositories(inner, calls);
    const { persister, publish } = setup(counted);
    const running = persister();
    await running.start();
    const members = Array.from({ length: 200 }, (_, i) => `m${i}`);
    await publish("g:big", [membershipEvent("g:big", members, 0)]);
    await waitFor(async () => (await inner.conversations.get("g:big")) !== null);
    calls.reads = 0;
    calls.writes = 0;
    // One message at a time (no coalescing help): each costs the same two writes, and no read.
    for (let seq = 1; seq <= 20; seq++) {
      await publish("g:big", [messageEvent("g:big", seq, members[seq]!)]);
      await waitFor(
        async () => (await inner.receipts.memberState("g:big", "m0"))?.lastMessageSeq === seq,
      );
    }
    await running.stop();
    expect(calls.writes).toBe(40);
    expect(calls.reads).toBe(0);
    expect(await inner.receipts.memberState("g:big", "m199")).toMatchObject({
      lastMessageSeq: 20,
      lastReadSeq: 0,
    });
  });

  it("dead-letters poison records and keeps persisting the partition behind them", async () => {
    const { log, repositories, persister, publish, metrics } = setup();
    const running = persister();
    await running.start();
    await publish("g:p", [membershipEvent("g:p", ["alice"], 0), messageEvent("g:p", 1)]);
    await publish("g:p", ["{not json", JSON.stringify(messageEvent("g:other", 2))]);
    await publish("g:p", [messageEvent("g:p", 2), messageEvent("g:p", 3)]);
    await waitFor(async () => (await seqs(repositories, "g:p")).length === 3);
    await waitFor(() => log.records(DLQ).length === 2);
    const dead = log.records(DLQ);
    expect(dead.map((r) => r.headers["x-dlq-code"])).toEqual([
      "invalid_request",
      "invalid_request",
    ]);
    expect(dead[0]!.headers["x-dlq-reason"]).toMatch(/JSON/);
    expect(dead[1]!.headers["x-dlq-reason"]).toMatch(/key/);
    expect(new TextDecoder().decode(dead[0]!.value!)).toBe("{not json");
    expect(
      (await metrics.registry.getSingleMetric("region_dead_letters_total")?.get())?.values[0]
        ?.value,
    ).toBe(2);
    await running.stop();
  });

  it("retries transient storage failures and dead-letters permanent ones", async () => {
    const repositories = memoryRepositories();
    let failures = 3;
    const insertMany = repositories.messages.insertMany.bind(repositories.messages);
    repositories.messages.insertMany = async (messages) => {
      const seqs = messages.map((m) => m.seq);
      if (seqs.includes(2) && failures > 0) {
        failures--;
        throw new ChatError("unavailable", "write timeout");
      }
      // Refused as part of a coalesced step, then again alone: only seq 3 is dead-lettered.
      if (seqs.includes(3)) throw new ChatError("invalid_request", "permanently refused");
      return insertMany(messages);
    };
    const { log, persister, publish } = setup(repositories);
    const running = persister();
    await running.start();
    await publish("g:t", [
      messageEvent("g:t", 1),
      messageEvent("g:t", 2),
      messageEvent("g:t", 3),
      messageEvent("g:t", 4),
    ]);
    await waitFor(async () => (await seqs(repositories, "g:t")).length === 3);
    expect(await seqs(repositories, "g:t")).toEqual([1, 2, 4]);
    expect(failures).toBe(0);
    expect(log.records(DLQ).map((r) => r.headers["x-dlq-reason"])).toEqual(["permanently refused"]);
    await running.stop();
  });

  it("replays uncommitted records after a crash between write and commit, without duplicates", async () => {
    const { log, repositories, persister, publish } = setup();
    const inserted: number[] = [];
    const insertMany = repositories.messages.insertMany.bind(repositories.messages);
    repositories.messages.insertMany = async (messages) => {
      inserted.push(...messages.map((m) => m.seq));
      return insertMany(messages);
    };
    // Records from offset CRASH_AT on are written but their offsets never resolved or committed,
    // as if the process died between the Cassandra write and the offset commit.
    const CRASH_AT = 15;
    const real = log.consumer(TOPIC, "group");
    const crashing: EventConsumer = {
      run: (handler) =>
        real.run((batch: ConsumedBatch) =>
          handler({
            ...batch,
            resolveOffset: (offset) => {
              if (Number(offset) < CRASH_AT) batch.resolveOffset(offset);
              else if (CRASH_AT - 1 >= Number(batch.records[0]!.offset))
                batch.resolveOffset(String(CRASH_AT - 1));
            },
          }),
        ),
      stop: () => real.stop(),
    };
    const first = persister(crashing);
    await first.start();
    // Offset 0 is the membership snapshot, so message seq n sits at offset n.
    await publish("g:r", [membershipEvent("g:r", ["alice", "bob"], 0)]);
    for (let seq = 1; seq <= 20; seq++) await publish("g:r", [messageEvent("g:r", seq)]);
    await waitFor(async () => (await seqs(repositories, "g:r")).length === 20);
    await first.stop();

    inserted.length = 0;
    for (let seq = 21; seq <= 25; seq++) await publish("g:r", [messageEvent("g:r", seq)]);
    const second = persister();
    await second.start();
    await waitFor(async () => (await seqs(repositories, "g:r")).length === 25);
    await second.stop();
    expect(await seqs(repositories, "g:r")).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // Exactly the uncommitted tail was replayed, and the replay created no duplicates.
    expect(inserted).toEqual(Array.from({ length: 11 }, (_, i) => i + CRASH_AT));
    expect(await repositories.receipts.memberState("g:r", "bob")).toMatchObject({
      lastMessageSeq: 25,
    });
  });

  it("ignores a stale membership snapshot replayed after a newer one", async () => {
    const { repositories, persister, publish } = setup();
    const running = persister();
    await running.start();
    await publish("g:m", [
      membershipEvent("g:m", ["alice", "bob", "carol"], 1),
      membershipEvent("g:m", ["alice", "bob"], 5, ["carol"]),
      membershipEvent("g:m", ["alice", "bob", "carol"], 1),
    ]);
    await waitFor(async () => (await repositories.conversations.get("g:m"))?.membersAsOfSeq === 5);
    await running.stop();
    expect((await repositories.members.list("g:m")).map((m) => m.userId)).toEqual(["alice", "bob"]);
    expect(await repositories.userConversations.get("carol", "g:m")).toBeNull();
  });

  it("stops promptly while a record is stuck retrying, committing only what was written", async () => {
    const repositories = memoryRepositories();
    const insertMany = repositories.messages.insertMany.bind(repositories.messages);
    repositories.messages.insertMany = async (messages) => {
      if (messages.some((m) => m.seq === 3)) throw new ChatError("unavailable", "cassandra down");
      return insertMany(messages);
    };
    const { log, persister, publish, metrics } = setup(repositories);
    const running = persister();
    await running.start();
    await publish("g:s", [messageEvent("g:s", 1), messageEvent("g:s", 2)]);
    await waitFor(async () => (await seqs(repositories, "g:s")).length === 2);
    // 1 and 2 are applied; their commit follows in the same batch turn.
    await waitFor(
      async () =>
        (await metrics.registry.getSingleMetric("region_persisted_records_total")?.get())?.values[0]
          ?.value === 2,
    );
    await publish("g:s", [messageEvent("g:s", 3), messageEvent("g:s", 4)]);
    await running.stop();
    expect(await seqs(repositories, "g:s")).toEqual([1, 2]);
    // A new consumer of the group starts at seq 3: 1 and 2 were committed, 3 and 4 were not.
    const offsets: string[] = [];
    const next = log.consumer(TOPIC, "group");
    await next.run(async (batch) => {
      offsets.push(
        ...batch.records.map((r) => JSON.parse(new TextDecoder().decode(r.value!)).message.seq),
      );
    });
    await waitFor(() => offsets.length >= 2);
    await next.stop();
    expect(offsets.slice(0, 2)).toEqual([3, 4]);
  });
});
