// Message changes end to end, for real: while bob's device is offline, alice edits, reacts to and
// deletes messages through the SDK; the edge sequences each change, its region outbox flushes them
// to region A (Kafka, then Cassandra dc1), and region B serves history from dc2. Bob's device
// reconnects, replays what it missed, folds it, and shows exactly what region B's history says,
// with the deleted text gone from storage.
import { foldAll, type Message } from "@edge-chat/protocol";
import { MessageList } from "@edge-chat/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ChatUser, chatUser, type System, startSystem, until } from "../src/index.ts";
import { expectGapless, historyUpTo } from "./support.ts";

let system: System;
beforeAll(async () => {
  system = await startSystem({ label: "e2e_changes", services: inject("services") });
});
afterAll(async () => {
  await system?.stop();
});

const plain = (messages: readonly Message[]) => JSON.parse(JSON.stringify(messages));

describe("message changes: SDK → edge → Kafka → Cassandra dc1 → region B's history (dc2)", () => {
  let users: ChatUser[] = [];
  afterAll(() => {
    for (const user of users) user.closeAll();
  });

  it("a device offline during edits, reactions and deletes comes back to history's state", async () => {
    users = await Promise.all(["alice", "bob"].map((n) => chatUser(system.edge.baseUrl, n)));
    const [alice, bob] = users as [ChatUser, ChatUser];
    const { conversationId: id } = await alice.client.createDirect(bob.userId);
    const sa = await alice.open(id);
    const offline = await bob.open(id);

    const one = await sa.sendText("one");
    const two = await sa.sendText("two: a secret");
    await until(() => offline.lastSeq >= two.seq, "bob to receive two");
    const seenBefore = offline.lastSeq;
    offline.close();

    await sa.edit(one.seq, "one, edited");
    await sa.react(one.seq, "👍");
    await sa.react(one.seq, "🎉");
    await sa.edit(two.seq, "two: still a secret");
    await sa.react(two.seq, "🔥");
    await sa.deleteForEveryone(two.seq);
    const last = await sa.sendText("three", { replyToSeq: two.seq });

    const device = await bob.open(id, { lastSeq: seenBefore });
    await until(() => device.lastSeq >= last.seq, "bob's device to catch up");
    const list = new MessageList();
    for (const m of bob.messages.get(id)!) list.apply(m);

    const history = await historyUpTo(system.bApi, id, bob.userId, last.seq);
    expectGapless(history, last.seq);
    expect(plain(list.messages())).toEqual(plain(foldAll(history)));
    // History itself is in the latest state, and no row holds the deleted text any more.
    expect(history.find((m) => m.seq === one.seq)).toMatchObject({
      content: { kind: "text", text: "one, edited" },
      reactions: [{ emoji: "🎉", count: 1 }],
    });
    expect(history.find((m) => m.seq === two.seq)).toMatchObject({
      content: { kind: "deleted" },
      deletedBy: alice.userId,
    });
    expect(history.find((m) => m.seq === last.seq)!.quote).toEqual({
      senderId: alice.userId,
      kind: "deleted",
      deleted: true,
    });
    expect(JSON.stringify(history)).not.toContain("secret");
  });
});
