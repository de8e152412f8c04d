// Order under load: several members, several concurrent senders, 1,000+ messages over real
// WebSockets; every member must observe the same gapless order. Then the same across evictions.
import type { Message } from "@edge-chat/protocol";
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  connect,
  createGroup,
  eventually,
  range,
  type TestSocket,
  users,
} from "./support/client.ts";

const stubOf = (id: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id));

function messagesOf(socket: TestSocket): Message[] {
  const byArrival: Message[] = [];
  for (const f of socket.frames) {
    if (f.type === "sync_batch") byArrival.push(...f.messages);
    if (f.type === "message") byArrival.push(f.message);
  }
  return byArrival;
}

/** Sends `count` messages per sender, interleaved across senders, without waiting for acks. */
function burst(senders: { socket: TestSocket; name: string }[], tag: string, count: number) {
  for (let j = 0; j < count; j++) {
    for (const { socket, name } of senders) {
      socket.send({
        type: "send",
        clientMsgId: `${tag}-${name}-${j}`,
        content: { kind: "text", text: `${name} ${j}` },
      });
    }
  }
}

describe("ordering under load", () => {
  it("four members, four concurrent senders, 1,040 messages: one gapless order for everyone", async () => {
    const members = users(4, "load");
    const id = await createGroup(members[0]!, members.slice(1));
    const sockets = await Promise.all(members.map((m) => connect(m, id)));
    const extraDevice = await connect(members[1]!, id);
    const all = [...sockets, extraDevice];
    const perSender = 260;
    burst(
      sockets.map((socket, i) => ({ socket, name: members[i]! })),
      "L",
      perSender,
    );
    const last = 1 + perSender * sockets.length; // seq 1 is the "created" system message
    for (const s of all) {
      await s.until(
        (f) => f.filter((x) => x.type === "message").length >= last - 1,
        "all messages",
      );
    }
    const reference = messagesOf(all[0]!).map((m) => `${m.seq}:${m.clientMsgId}`);
    expect(reference.length).toBe(last - 1);
    for (const s of all) {
      expect(s.messageSeqs()).toEqual(range(2, last));
      expect(messagesOf(s).map((m) => `${m.seq}:${m.clientMsgId}`)).toEqual(reference);
    }
    // Each sender's own messages keep the order it sent them in, and every one was acked once.
    sockets.forEach((s, i) => {
      const acks = s.of("ack");
      expect(acks.length).toBe(perSender);
      expect(acks.map((a) => a.clientMsgId)).toEqual(
        range(0, perSender - 1).map((j) => `L-${members[i]}-${j}`),
      );
      const seqs = acks.map((a) => a.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    });
    expect(all.every((s) => s.of("error").length === 0)).toBe(true);
    for (const s of all) s.close();
  });
});

describe("eviction", () => {
  it("hibernating sockets survive eviction between and during bursts; order and watermarks too", async () => {
    const members = users(3, "hib");
    const id = await createGroup(members[0]!, members.slice(1));
    const sockets = await Promise.all(members.map((m) => connect(m, id)));
    const senders = sockets.map((socket, i) => ({ socket, name: members[i]! }));
    const stub = stubOf(id);

    burst(senders, "a", 40);
    for (const s of sockets)
      await s.until((f) => f.filter((x) => x.type === "message").length >= 120, "burst a");
    sockets[1]!.send({ type: "read", upToSeq: 50 });
    sockets[2]!.send({ type: "delivered", upToSeq: 80 });
    sockets[0]!.send({ type: "ping", reqId: "p" });
    await sockets[0]!.next("pong");

    await evictDurableObject(stub, { webSockets: "hibernate" });
    burst(senders, "b", 40);
    // Evict again while burst b may still be in flight.
    await evictDurableObject(stub, { webSockets: "hibernate" }).catch(() => undefined);
    burst(senders, "c", 40);
    const last = 1 + 3 * 120;
    for (const s of sockets) {
      await s.until(
        (f) => f.filter((x) => x.type === "message").length >= last - 1,
        "bursts b and c",
      );
      expect(s.messageSeqs()).toEqual(range(2, last));
    }
    const ref = messagesOf(sockets[0]!).map((m) => m.messageId);
    for (const s of sockets) expect(messagesOf(s).map((m) => m.messageId)).toEqual(ref);
    // The per-connection state (user, version) came back from the attachments: sends kept working.
    expect(sockets.every((s) => s.of("error").length === 0)).toBe(true);

    sockets[0]!.send({ type: "info", reqId: "i", seq: 50 });
    const info = await sockets[0]!.next("info_result");
    const byUser = new Map(info.members.map((m) => [m.userId, m]));
    expect(byUser.get(members[1]!)).toMatchObject({ readUpTo: 50, deliveredUpTo: 50, read: true });
    expect(byUser.get(members[2]!)).toMatchObject({
      deliveredUpTo: 80,
      readUpTo: 0,
      delivered: true,
      read: false,
    });
    for (const s of sockets) s.close();
  });

  it("closed sockets reconnect and replay without gap or duplicate; resends stay idempotent", async () => {
    const members = users(3, "cls");
    const id = await createGroup(members[0]!, members.slice(1));
    let sockets = await Promise.all(members.map((m) => connect(m, id)));
    const stub = stubOf(id);
    const seen: Message[][] = members.map(() => []);
    const collect = () => {
      sockets.forEach((s, i) => {
        seen[i]!.push(...messagesOf(s));
      });
    };
    const sent = new Set<string>();
    const sendAll = (tag: string, count: number) => {
      for (let j = 0; j < count; j++) {
        sockets.forEach((s, i) => {
          const clientMsgId = `${tag}-${i}-${j}`;
          sent.add(`${members[i]}/${clientMsgId}`);
          s.send({ type: "send", clientMsgId, content: { kind: "text", text: clientMsgId } });
        });
      }
    };

    sendAll("a", 50);
    await Promise.all(
      sockets.map((s) =>
        s.until((f) => f.filter((x) => x.type === "message").length >= 150, "burst a"),
      ),
    );
    sockets[1]!.send({ type: "read", upToSeq: 100 });
    sockets[0]!.send({ type: "ping", reqId: "p" });
    await sockets[0]!.next("pong");

    for (let round = 0; round < 2; round++) {
      sendAll(`r${round}`, 30);
      // Evict with closing sockets, possibly in the middle of the burst.
      await evictDurableObject(stub, { webSockets: "close" }).catch(() => undefined);
      await Promise.all(sockets.map((s) => s.until(() => s.closed !== null, "close")));
      collect();
      // Reconnect from the last seq each device saw, and resend whatever was not acked.
      const acked = sockets.map((s) => new Set(s.of("ack").map((a) => a.clientMsgId)));
      const lastSeen = seen.map((msgs) => msgs.reduce((m, x) => Math.max(m, x.seq), 0));
      sockets = await Promise.all(members.map((m, i) => connect(m, id, { since: lastSeen[i]! })));
      sockets.forEach((s, i) => {
        for (let j = 0; j < 30; j++) {
          const clientMsgId = `r${round}-${i}-${j}`;
          if (!acked[i]!.has(clientMsgId)) {
            s.send({ type: "send", clientMsgId, content: { kind: "text", text: clientMsgId } });
          }
        }
      });
      for (const s of sockets) s.send({ type: "ping", reqId: "after-resend" });
      await Promise.all(sockets.map((s) => s.next("pong", (p) => p.reqId === "after-resend")));
    }
    // Let every device catch up on whatever the others resent.
    const total = 1 + sent.size;
    await Promise.all(
      sockets.map((s, i) =>
        s.until(() => seen[i]!.length + messagesOf(s).length >= total - 1 || false, "all messages"),
      ),
    );
    collect();
    for (const msgs of seen) {
      expect(msgs.map((m) => m.seq)).toEqual(range(2, total));
      expect(new Set(msgs.map((m) => `${m.senderId}/${m.clientMsgId}`))).toEqual(sent);
    }
    sockets[2]!.send({ type: "info", reqId: "i", seq: 100 });
    const info = await sockets[2]!.next("info_result");
    expect(info.members.find((m) => m.userId === members[1])).toMatchObject({ readUpTo: 100 });

    // The window survives too: once the region outbox has drained, the DO keeps exactly WINDOW_SIZE
    // (300).
    let probe = 0;
    await eventually(async () => {
      const reqId = `w${++probe}`;
      sockets[0]!.send({ type: "sync", reqId, afterSeq: 0 });
      await sockets[0]!.until(
        (f) => f.some((x) => "reqId" in x && x.reqId === reqId),
        "sync reply",
      );
      const reply = sockets[0]!.frames.find((x) => "reqId" in x && x.reqId === reqId);
      return reply?.type === "sync_gap" && reply.oldestSeq === total - 299;
    }, "window trimmed to 300");
    for (const s of sockets) s.close();
  });
});
