// The persister over the embedded log and in-memory repositories (the embedded adapters themselves,
// not test doubles): order, dead letters, crash/replay and shutdown.
import { ChatError } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { membershipEvent, messageEvent, receiptEvent, waitFor } from "../../test/fixtures.ts";
import { EmbeddedLog } from "../events/embedded-log.ts";
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

async function seqs(repositories: Repositories, conversationId: string): Promise<number[]> {
  const page = await repositories.messages.page(conversationId, { after: 0, limit: 200 });
  return page.messages.map((m) => m.seq);
}

describe("Persister", () => {
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
    const bob = await repositories.userConversations.get("bob", "g:a");
    expect(bob).toMatchObject({ lastMessageSeq: 30, lastReadSeq: 25 });
    expect(await repositories.userConversations.get("alice", "g:a")).toMatchObject({
      lastMessageSeq: 30,
      lastReadSeq: 30,
    });
    await running.stop();
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
    const insert = repositories.messages.insert.bind(repositories.messages);
    repositories.messages.insert = async (message) => {
      if (message.seq === 2 && failures-- > 0) throw new ChatError("unavailable", "write timeout");
      if (message.seq === 3) throw new ChatError("invalid_request", "permanently refused");
      return insert(message);
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
    expect(failures).toBe(-1);
    expect(log.records(DLQ).map((r) => r.headers["x-dlq-reason"])).toEqual(["permanently refused"]);
    await running.stop();
  });

  it("replays uncommitted records after a crash between write and commit, without duplicates", async () => {
    const { log, repositories, persister, publish } = setup();
    const inserted: number[] = [];
    const insert = repositories.messages.insert.bind(repositories.messages);
    repositories.messages.insert = async (message) => {
      inserted.push(message.seq);
      return insert(message);
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
    expect(await repositories.userConversations.get("bob", "g:r")).toMatchObject({
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
    const insert = repositories.messages.insert.bind(repositories.messages);
    repositories.messages.insert = async (message) => {
      if (message.seq === 3) throw new ChatError("unavailable", "cassandra down");
      return insert(message);
    };
    const { log, persister, publish } = setup(repositories);
    const running = persister();
    await running.start();
    await publish("g:s", [
      messageEvent("g:s", 1),
      messageEvent("g:s", 2),
      messageEvent("g:s", 3),
      messageEvent("g:s", 4),
    ]);
    await waitFor(async () => (await seqs(repositories, "g:s")).length === 2);
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
