// The ConversationDO's inbox outbox: one coalesced row per member (newest body, read watermark only
// rising), deleted after delivery only if no newer update replaced it meanwhile; failed deliveries
// stay and back off. End to end, concurrent senders never lose an update: every member's row ends
// at the conversation's last seq with the right unread count.
import type { InboxUpdate } from "@edge-chat/protocol";
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { flushInbox, inboxDueAt } from "../src/conversation/inbox-flusher.ts";
import { ConversationStore } from "../src/conversation/store.ts";
import { api, createGroup, users } from "./support/client.ts";
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
  it("coalesces per member, keeps newer rows on delivery, retries failures with backoff", async () => {
    // A fresh object used only as a SQLite database here (never initialised as a conversation).
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName("g:outbox-unit"));
    await runInDurableObject(stub, async (_instance, state) => {
      const store = new ConversationStore(state.storage.sql);
      const outbox = store.inbox;
      outbox.put(update("x", 1, 1), 100);
      outbox.put(update("y", 1, 0), 100);
      outbox.put(update("x", 2, 0), 101);
      outbox.put(update("x", 3, 0), 102);
      expect(outbox.count()).toBe(2);
      const x = outbox.head(10).find((p) => p.update.userId === "x")!;
      // Newest body, highest read watermark.
      expect(x.update).toMatchObject({ lastSeq: 3, readUpTo: 1 });

      const delivered: InboxUpdate[] = [];
      let now = 1000;
      // x fails; while y is being delivered a newer update for y arrives.
      const first = await flushInbox({
        outbox,
        store,
        now: () => now,
        deliver: async (u) => {
          if (u.userId === "x") throw new Error("inbox unavailable");
          outbox.put(update("y", 4, 0), 103);
          delivered.push(u);
        },
      });
      expect(first).toEqual({ delivered: 1, failed: 1 });
      expect(delivered.map((u) => [u.userId, u.lastSeq])).toEqual([["y", 1]]);
      expect(outbox.count()).toBe(2); // x still pending, y replaced by seq 4
      expect(inboxDueAt({ outbox, store }, now)).toBeGreaterThan(now);

      now += 60_000;
      const second = await flushInbox({
        outbox,
        store,
        now: () => now,
        deliver: async (u) => {
          delivered.push(u);
        },
      });
      expect(second).toEqual({ delivered: 2, failed: 0 });
      expect(outbox.count()).toBe(0);
      expect(inboxDueAt({ outbox, store }, now)).toBeUndefined();
      expect(
        delivered
          .slice(1)
          .map((u) => [u.userId, u.lastSeq])
          .sort(),
      ).toEqual([
        ["x", 3],
        ["y", 4],
      ]);
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
});
