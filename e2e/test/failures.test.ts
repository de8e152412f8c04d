// Failure cases of the write path, against the real processes: regions' ingest down while members
// chat (acks still come: the message is durable at the edge), failover to the farther region, and
// the persister killed (SIGKILL) mid-stream. Afterwards every message is in Cassandra exactly once,
// seq 1..N in the edge's order, read back from the other datacenter.
import type { ConversationSession } from "@edge-chat/client";
import type { SendAck } from "@edge-chat/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type ChatUser, chatUser, type System, startSystem, until } from "../src/index.ts";
import { expectGapless, expectNoDuplicateSends, historyUpTo } from "./support.ts";

let system: System;
const users: ChatUser[] = [];
beforeAll(async () => {
  system = await startSystem({ label: "e2e_fail", services: inject("services") });
});
afterAll(async () => {
  await system?.stop();
});
afterEach(async () => {
  for (const user of users.splice(0)) user.closeAll();
  // Every case leaves the regions running for the next one.
  await system.aIngest.start();
  await system.aPersister.start();
  await system.b.start();
});

/** A direct conversation between two fresh users, both connected. */
async function pair(label: string) {
  const alice = await chatUser(system.edge.baseUrl, `${label}-a`);
  const bob = await chatUser(system.edge.baseUrl, `${label}-b`);
  users.push(alice, bob);
  const { conversationId } = await alice.client.createDirect(bob.userId);
  const sessions = [await alice.open(conversationId), await bob.open(conversationId)] as const;
  return { alice, bob, conversationId, sessions };
}

function sendMany(session: ConversationSession, prefix: string, count: number): Promise<SendAck[]> {
  return Promise.all(Array.from({ length: count }, (_, k) => session.sendText(`${prefix} ${k}`)));
}

/** History in region B (dc2) equals what the members saw, 1..lastSeq, each message once. */
async function expectExactlyOnce(
  users: readonly ChatUser[],
  conversationId: string,
  lastSeq: number,
) {
  await until(
    () => users.every((user) => user.messages.get(conversationId)?.at(-1)?.seq === lastSeq),
    "both members to see the last message",
  );
  const seen = users[0]!.messages.get(conversationId)!;
  expectGapless(seen, lastSeq);
  const stored = await historyUpTo(system.bApi, conversationId, users[1]!.userId, lastSeq);
  expectGapless(stored, lastSeq);
  expect(stored).toEqual(seen);
  expectNoDuplicateSends(stored);
  // The same rows straight from Cassandra, in both datacenters.
  const expected = seen.map((m) => ({ seq: m.seq, clientMsgId: m.clientMsgId }));
  for (const dc of ["dc1", "dc2"]) {
    const rows = await system.storage.storedRows(conversationId, dc, lastSeq);
    expect(rows.map(({ seq, clientMsgId }) => ({ seq, clientMsgId }))).toEqual(expected);
  }
}

describe("write path under failures", () => {
  it("every region's ingest is down: acks still arrive, and all messages land once they are back", async () => {
    const { alice, bob, conversationId, sessions } = await pair("outage");
    await Promise.all([system.aIngest.stop(), system.b.stop()]);

    // Acknowledged although no region can take them: the ack means durable at the edge.
    const acks = [
      ...(await sendMany(sessions[0], "while down from alice", 20)),
      ...(await sendMany(sessions[1], "while down from bob", 20)),
    ];
    expect(acks).toHaveLength(40);
    const lastSeq = Math.max(...acks.map((ack) => ack.seq));
    expect(system.aIngest.running || system.b.running).toBe(false);

    // Region A comes back (B too, so its history can be read): the region outbox drains, exactly
    // once.
    await system.aIngest.start();
    await system.b.start();
    await expectExactlyOnce([alice, bob], conversationId, lastSeq);
  });

  it("region A's ingest is down: the edge fails over to region B; nothing lost or doubled when A returns", async () => {
    const { alice, bob, conversationId, sessions } = await pair("failover");
    await system.aIngest.stop();
    const during = await sendMany(sessions[0], "during A's outage", 25);
    const duringSeq = Math.max(...during.map((ack) => ack.seq));
    // Region B took them (its own Kafka topic and persister) while A was still down.
    await historyUpTo(system.bApi, conversationId, bob.userId, duringSeq);
    expect(system.aIngest.running).toBe(false);

    await system.aIngest.start();
    const after = await sendMany(sessions[1], "after A is back", 15);
    const lastSeq = Math.max(...after.map((ack) => ack.seq));
    await expectExactlyOnce([alice, bob], conversationId, lastSeq);
  });

  it("the persister is killed mid-stream and restarted: nothing lost, nothing doubled", async () => {
    const { alice, bob, conversationId, sessions } = await pair("persister");
    const total = 150;
    const acks: SendAck[] = [];
    let killed = false;
    // One steady stream from alice, ten messages at a time; past 60 it waits for the kill, so
    // messages keep coming while the persister is dead and while it restarts.
    const stream = (async () => {
      for (let k = 0; k < total; k += 10) {
        if (k === 60) await until(() => killed, "the persister to be killed");
        acks.push(...(await sendMany(sessions[0], `stream ${k / 10}`, 10)));
      }
    })();
    // Kill it (no draining, no offset commit) once part of the stream is stored.
    await historyUpTo(system.bApi, conversationId, bob.userId, 20);
    await system.aPersister.kill();
    killed = true;
    const killedAt = acks.length;
    await until(() => acks.length >= killedAt + 30, "more messages while the persister is down");
    await system.aPersister.start();
    await stream;

    expect(acks).toHaveLength(total);
    await expectExactlyOnce([alice, bob], conversationId, Math.max(...acks.map((ack) => ack.seq)));
  });
});
