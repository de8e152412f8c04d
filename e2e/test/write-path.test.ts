// The whole write path, for real: three SDK users in a group send over WebSockets to the edge
// Worker in workerd; its region outbox flushes to region A (Kafka, then Cassandra dc1), and region
// B reads the same messages back from Cassandra dc2 through its history API — the one order the
// edge assigned, seq 1..N with no gap, each message once, content intact. Receipts and membership
// reach the conversation list too.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ChatUser, chatUser, type System, startSystem, until } from "../src/index.ts";
import { expectGapless, expectNoDuplicateSends, historyUpTo, texts } from "./support.ts";

const WINDOW = 200;
let system: System;
beforeAll(async () => {
  system = await startSystem({
    label: "e2e_write",
    services: inject("services"),
    // The smallest window the edge allows, so a few hundred messages push older ones out of it.
    edgeVars: { WINDOW_SIZE: String(WINDOW) },
  });
});
afterAll(async () => {
  await system?.stop();
});

describe("write path: SDK → edge → region A (Kafka, dc1) → region B's history (dc2)", () => {
  let users: ChatUser[] = [];
  afterAll(() => {
    for (const user of users) user.closeAll();
  });

  it("a group of three: every message arrives once, in the edge's order, with its content", async () => {
    users = await Promise.all(
      ["alice", "bob", "carol"].map((name) => chatUser(system.edge.baseUrl, name)),
    );
    const [alice, bob, carol] = users as [ChatUser, ChatUser, ChatUser];
    const group = await alice.client.createGroup({
      name: "e2e trio",
      memberIds: [bob.userId, carol.userId],
    });
    const id = group.conversationId;
    const sessions = await Promise.all(users.map((user) => user.open(id)));

    // Three senders at once, 15 messages each, every send in flight together.
    const perSender = 15;
    const acks = await Promise.all(
      sessions.map((session, s) =>
        Promise.all(
          Array.from({ length: perSender }, (_, k) =>
            session.sendText(`${users[s]!.userId} #${k}`),
          ),
        ),
      ),
    );
    // Each sender's own messages keep their send order (one socket, one DO).
    for (const senderAcks of acks) {
      const seqs = senderAcks.map((ack) => ack.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    // A last word from alice, so every other member has something unread from someone else.
    const last = await sessions[0]!.sendText("last word");
    const lastSeq = last.seq;
    expect(lastSeq).toBeGreaterThan(Math.max(...acks.flat().map((ack) => ack.seq)));

    // All three members saw the same messages, in the same order, up to the last one.
    await until(
      () => users.every((user) => user.messages.get(id)?.at(-1)?.seq === lastSeq),
      "every member to receive the last message",
    );
    const seen = alice.messages.get(id)!;
    expectGapless(seen, lastSeq);
    for (const user of [bob, carol]) expect(user.messages.get(id)).toEqual(seen);

    // Region B (Cassandra dc2) serves exactly that: seq 1..N, same order, same content, each once.
    const stored = await historyUpTo(system.bApi, id, carol.userId, lastSeq);
    expectGapless(stored, lastSeq);
    expect(stored).toEqual(seen);
    expectNoDuplicateSends(stored);
    for (const user of users) {
      const mine = texts(stored).filter((text) => text.startsWith(`${user.userId} #`));
      expect(mine).toEqual(Array.from({ length: perSender }, (_, k) => `${user.userId} #${k}`));
    }

    // Receipts and membership: the conversation list in region B shows each member's unread count.
    // A member's own message counts as read; bob reads everything; carol reads nothing more.
    await sessions[1]!.markRead(lastSeq);
    const carolLast = Math.max(...acks[2]!.map((ack) => ack.seq));
    const expected = {
      [alice.userId]: { lastMessageSeq: lastSeq, lastReadSeq: lastSeq, unread: 0 },
      [bob.userId]: { lastMessageSeq: lastSeq, lastReadSeq: lastSeq, unread: 0 },
      [carol.userId]: {
        lastMessageSeq: lastSeq,
        lastReadSeq: carolLast,
        unread: lastSeq - carolLast,
      },
    };
    const listed = async () => {
      const rows: Record<string, unknown> = {};
      for (const user of users) {
        const row = (await system.bApi.conversations(user.userId)).find(
          (c) => c.conversationId === id,
        );
        rows[user.userId] = row && {
          lastMessageSeq: row.lastMessageSeq,
          lastReadSeq: row.lastReadSeq,
          unread: row.unread,
        };
      }
      return rows;
    };
    await until(
      async () => JSON.stringify(await listed()) === JSON.stringify(expected),
      "unread counts in region B's conversation list",
      { everyMs: 500, timeoutMs: 120_000 },
    ).catch(() => {});
    expect(await listed()).toEqual(expected);
    const [row] = (await system.bApi.conversations(carol.userId)).filter(
      (c) => c.conversationId === id,
    );
    expect(row).toMatchObject({ kind: "group", name: "e2e trio", lastMessageSeq: lastSeq });

    // Membership reached Cassandra: a stranger is refused like a nonexistent conversation.
    expect(await system.bApi.historyStatus(id, "mallory-e2e")).toBe(404);
    expect(await system.bApi.historyStatus(id, bob.userId)).toBe(200);
  });

  it("a member away for longer than the edge's window catches up through the region's history", async () => {
    const alice = await chatUser(system.edge.baseUrl, "sync-a");
    const bob = await chatUser(system.edge.baseUrl, "sync-b");
    users.push(alice, bob);
    const { conversationId: id } = await alice.client.createDirect(bob.userId);
    const sender = await alice.open(id);
    const away = await bob.open(id);
    for (let k = 0; k < 5; k++) await sender.sendText(`before ${k}`);
    await until(() => away.lastSeq === sender.lastSeq, "bob to see the first messages");
    const since = away.lastSeq;
    away.close();

    // Bob is away while well over a window of messages goes by.
    for (let k = 0; k < WINDOW + 60; k += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) => sender.sendText(`while away ${k + j}`)),
      );
    }
    // Once the region has them, the edge may trim its window (it never drops unflushed messages);
    // the window is trimmed as messages are appended, so one more message after that.
    await historyUpTo(system.bApi, id, bob.userId, sender.lastSeq);
    const lastSeq = (await sender.sendText("back yet?")).seq;

    // The window no longer has what bob missed: with no region answering, the edge says so.
    await Promise.all([system.aIngest.stop(), system.b.stop()]);
    const windowOnly = await bob.client.history(id, { after: since, limit: 50 });
    expect(windowOnly.messages).toEqual([]);
    expect(windowOnly.olderInRegion?.beforeSeq).toBeGreaterThan(since + 1);
    await system.aIngest.start();
    await system.b.start();

    // Bob comes back with his old `since`: the gap is filled from the region, then the window.
    const back = await bob.open(id, { lastSeq: since });
    await until(() => back.lastSeq === lastSeq, "bob to catch up", { timeoutMs: 240_000 });
    const caughtUp = bob.messages.get(id)!.filter((m) => m.seq > since);
    expectGapless([...alice.messages.get(id)!.filter((m) => m.seq <= since), ...caughtUp], lastSeq);
    expect(caughtUp).toEqual(alice.messages.get(id)!.filter((m) => m.seq > since));
  });
});
