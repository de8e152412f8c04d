// The conversation → inbox path: messages only mark the conversation dirty (no per-member row in
// the send transaction); a tick sends each member's inbox one coalesced update; targeted changes
// (joins, removals, reads) are durable rows, coalesced per member, deleted after delivery only if
// no newer update replaced them; failed deliveries back off. End to end, concurrent senders never
// lose an update, counts are exact after a burst, and an offline member still gets the push
// decision.
import type { InboxUpdate, PushNotification } from "@edge-chat/protocol";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { INBOX_FLUSHED_SEQ, InboxNotifier } from "../src/conversation/inbox-notifier.ts";
import { ConversationService } from "../src/conversation/service.ts";
import { ConversationStore } from "../src/conversation/store.ts";
import { api, connect, createGroup, eventually, users } from "./support/client.ts";
import { listUntil, rowOf } from "./support/inbox-client.ts";

const update = (userId: string, lastSeq: number, readUpTo: number): InboxUpdate => ({
  userId,
  conversationId: "g:outbox-unit",
  kind: "group",
  member: true,
  lastSeq,
  lastMessageAt: lastSeq * 10,
  readUpTo,
});

describe("inbox outbox", () => {
  it("coalesces targeted updates per member, keeping the highest read watermark", async () => {
    // A fresh object used only as a SQLite database here (never initialised as a conversation).
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName("g:outbox-unit"));
    await runInDurableObject(stub, async (_instance, state) => {
      const outbox = new ConversationStore(state.storage.sql).inbox;
      outbox.put(update("x", 1, 1), 100);
      outbox.put(update("y", 1, 0), 100);
      outbox.put(update("x", 2, 0), 101);
      outbox.put(update("x", 3, 0), 102);
      expect(outbox.count()).toBe(2);
      const x = outbox.head(10).find((p) => p.update.userId === "x")!;
      expect(x.update).toMatchObject({ lastSeq: 3, readUpTo: 1 });
      // A delivery of an older version leaves the newer row.
      outbox.delivered("x", x.version - 1);
      expect(outbox.count()).toBe(2);
      outbox.delivered("x", x.version);
      expect(outbox.count()).toBe(1);
    });
  });

  it("reads the table only when a row may be there, and misses no row put after an empty read", async () => {
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName("g:outbox-empty-read"));
    await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      const outbox = new ConversationStore(sql).inbox;
      let selects = 0;
      const exec = sql.exec.bind(sql);
      sql.exec = ((query: string, ...bindings: unknown[]) => {
        if (query.includes("FROM inbox_outbox ORDER BY")) selects++;
        return exec(query, ...bindings);
      }) as typeof sql.exec;
      try {
        expect(outbox.head(10)).toEqual([]); // after a wake-up it has to look
        expect(selects).toBe(1);
        expect(outbox.head(10)).toEqual([]); // found empty, nothing put since: no read
        expect(selects).toBe(1);
        outbox.put(update("x", 4, 2), 100);
        const [row] = outbox.head(10);
        expect(row?.update).toMatchObject({ userId: "x", lastSeq: 4, readUpTo: 2 });
        outbox.delivered("x", row!.version);
        expect(outbox.head(10)).toEqual([]); // looks once more after the delivery
        expect(selects).toBe(3);
        // Another instance over the same storage (a wake-up) looks again and finds the row.
        outbox.put(update("y", 5, 0), 101);
        expect(new ConversationStore(sql).inbox.head(10)).toHaveLength(1);
      } finally {
        sql.exec = exec;
      }
    });
  });

  it("a burst costs no per-member row; one tick tells every inbox once, exactly", async () => {
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName("g:notifier-unit"));
    await runInDurableObject(stub, async (_instance, state) => {
      const store = new ConversationStore(state.storage.sql);
      let now = 1_000_000;
      let failFor: string | undefined;
      const delivered: InboxUpdate[] = [];
      let live = new Set<string>();
      let notifier: InboxNotifier | undefined;
      const service = new ConversationService(
        store,
        (fn) => state.storage.transactionSync(fn),
        {
          ...loadConfig(env),
          rate: { user: { perSec: 1e6, burst: 1e6 }, connection: { perSec: 1e6, burst: 1e6 } },
        },
        { now: () => now, uuid: () => crypto.randomUUID() },
        () => notifier?.changed(),
      );
      notifier = new InboxNotifier({
        inboxOutbox: store.inbox,
        store,
        view: () => service.inboxView(),
        members: () => service.inboxMembers(),
        liveUsers: () => live,
        now: () => now,
        deliver: async (u) => {
          if (u.userId === failFor) throw new Error("inbox unavailable");
          delivered.push(u);
          return { deliveredUpTo: 0 }; // no device connected (the answer is tested elsewhere)
        },
        delivered: () => {},
      });
      const members = ["a", "b", "c", "d"];
      service.createGroup("g:notifier-unit", "a", { name: "n", memberIds: members.slice(1) });
      for (let i = 0; i < 40; i++) {
        service.send("g:notifier-unit", members[i % 3]!, {
          clientMsgId: `m${i}`,
          content: { kind: "text", text: `hi ${i}` },
        });
      }
      expect(store.inbox.count()).toBe(0); // no per-member rows for messages
      expect(notifier.dueAt(now)).toBe(now);
      expect(await notifier.tick()).toEqual({ delivered: 4, failed: 0 });
      const lastSeq = 41;
      const byUser = new Map(delivered.map((u) => [u.userId, u]));
      expect(byUser.size).toBe(4);
      // Own messages count as read: a sent 1 (the creation), 2, 5, …, 41; b up to 39; c 40; d none.
      expect(byUser.get("a")).toMatchObject({ lastSeq, readUpTo: 41, lastSenderId: "a" });
      expect(byUser.get("b")).toMatchObject({ lastSeq, readUpTo: 39 });
      expect(byUser.get("c")).toMatchObject({ lastSeq, readUpTo: 40 });
      expect(byUser.get("d")).toMatchObject({ lastSeq, readUpTo: 0, preview: "hi 39" });
      expect(notifier.dueAt(now)).toBeUndefined();

      // Next burst: d's inbox fails and backs off; c watches live and is deferred; a reads.
      delivered.length = 0;
      failFor = "d";
      live = new Set(["c"]);
      service.send("g:notifier-unit", "b", {
        clientMsgId: "n1",
        content: { kind: "text", text: "x" },
      });
      service.watermark("g:notifier-unit", "a", "read", 42);
      expect(store.inbox.count()).toBe(1); // the read is a targeted row
      expect(notifier.dueAt(now)).toBe(now + 500); // coalesced: one tick per interval
      now += 500;
      expect(await notifier.tick()).toEqual({ delivered: 2, failed: 1 });
      expect(delivered.map((u) => [u.userId, u.lastSeq, u.readUpTo]).sort()).toEqual([
        ["a", 42, 42],
        ["b", 42, 42],
      ]);
      expect(store.inbox.count()).toBe(0);
      const retryAt = notifier.dueAt(now)!;
      expect(retryAt).toBeGreaterThan(now);

      // After the backoff d gets it; c's socket closed meanwhile, so c is told too.
      delivered.length = 0;
      failFor = undefined;
      live = new Set();
      now = retryAt;
      expect(await notifier.tick()).toEqual({ delivered: 2, failed: 0 });
      expect(delivered.map((u) => [u.userId, u.lastSeq]).sort()).toEqual([
        ["c", 42],
        ["d", 42],
      ]);
      expect(notifier.dueAt(now)).toBeUndefined();
      expect(store.kv.get(INBOX_FLUSHED_SEQ)).toBe(42);
    });
  });

  it("concurrent senders lose no update: every member ends at the last seq", async () => {
    const members = users(4, "ic");
    const [admin, ...rest] = members;
    const g = await createGroup(admin!, rest);
    const lastOwn = new Map<string, number>();
    let i = 0;
    const sends = members.flatMap((sender) =>
      Array.from({ length: 15 }, () =>
        api(sender, "POST", `/v1/conversations/${g}/messages`, {
          clientMsgId: `c${++i}`,
          content: { kind: "text", text: `from ${sender}` },
        }).then((res) => {
          if (res.status !== 201) throw new Error(`send ${res.status}`);
          lastOwn.set(sender, Math.max(lastOwn.get(sender) ?? 0, res.body.seq));
        }),
      ),
    );
    await Promise.all(sends);
    const lastSeq = 1 + members.length * 15;
    for (const member of members) {
      const list = await listUntil(member, (l) => rowOf(l, g)?.lastSeq === lastSeq, "at the end");
      expect(rowOf(list, g)!.unread).toBe(lastSeq - lastOwn.get(member)!);
    }
  });

  it("after a burst over sockets and HTTP, every list is exact; live members settle on close", async () => {
    const members = users(5, "ib");
    const [admin, ...rest] = members;
    const g = await createGroup(admin!, rest);
    // Two members watch live; the others are away.
    const sockets = await Promise.all(members.slice(0, 2).map((m) => connect(m, g, { since: 0 })));
    const lastOwn = new Map<string, number>([[admin!, 1]]);
    let i = 0;
    const acks = await Promise.all(
      Array.from({ length: 60 }, (_, k) => {
        const sender = members[k % members.length]!;
        const clientMsgId = `b${++i}`;
        const body = { clientMsgId, content: { kind: "text", text: `burst ${k}` } };
        if (k % 2 === 0 && k % members.length < 2) {
          const socket = sockets[k % members.length]!;
          socket.send({ type: "send", reqId: clientMsgId, ...body });
          return socket
            .next("ack", (f) => f.clientMsgId === clientMsgId)
            .then((a) => ({ sender, seq: a.seq }));
        }
        return api(sender, "POST", `/v1/conversations/${g}/messages`, body).then((res) => {
          if (res.status !== 201) throw new Error(`send ${res.status}`);
          return { sender, seq: res.body.seq as number };
        });
      }),
    );
    for (const { sender, seq } of acks)
      lastOwn.set(sender, Math.max(lastOwn.get(sender) ?? 0, seq));
    const lastSeq = 61;
    // Away members settle within a tick; the watchers once their socket closes.
    for (const member of members.slice(2)) {
      const list = await listUntil(member, (l) => rowOf(l, g)?.lastSeq === lastSeq, "burst end");
      expect(rowOf(list, g)!.unread).toBe(lastSeq - (lastOwn.get(member) ?? 0));
    }
    for (const socket of sockets) socket.close();
    for (const member of members.slice(0, 2)) {
      const list = await listUntil(member, (l) => rowOf(l, g)?.lastSeq === lastSeq, "after close");
      expect(rowOf(list, g)!.unread).toBe(lastSeq - lastOwn.get(member)!);
    }
  });

  it("a member whose devices are offline still gets the push decision for a burst", async () => {
    const [a, b, away] = users(3, "io");
    const g = await createGroup(a!, [b!, away!]);
    let n = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, k) =>
        api(k % 2 ? a! : b!, "POST", `/v1/conversations/${g}/messages`, {
          clientMsgId: `o${++n}`,
          content: { kind: "text", text: `offline ${k}` },
        }),
      ),
    );
    const lastSeq = 31;
    let pushes: PushNotification[] = [];
    await eventually(
      async () => {
        const res = await fetch(`http://push.test/__control/pushes?userId=${away}`);
        pushes = ((await res.json()) as { pushes: PushNotification[] }).pushes;
        return pushes.at(-1)?.lastSeq === lastSeq;
      },
      "the push covering the burst",
      60_000,
    );
    // Collapsed, none lost: the pushes' counts add up to every message, the last shows them unread.
    expect(pushes.reduce((sum, p) => sum + p.count, 0)).toBe(lastSeq);
    expect(pushes.at(-1)).toMatchObject({ conversationId: g, unread: lastSeq, lastSeq });
  });
});
