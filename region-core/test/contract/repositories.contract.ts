// The repository contract: every behaviour the persister and the APIs rely on, run against both
// the in-memory stand-ins and the Cassandra adapters, so neither can drift from the other.
import { randomUUID } from "node:crypto";
import { BUCKET_SIZE } from "@edge-chat/cql";
import type { Message } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import type { Repositories } from "../../src/repositories/ports.ts";
import { member, message, uniqueGroup } from "../fixtures.ts";

export function repositoryContract(name: string, repositories: () => Repositories): void {
  describe(`repository contract: ${name}`, () => {
    it("stores every message kind and reads it back unchanged; inserts are idempotent", async () => {
      const { messages } = repositories();
      const conv = uniqueGroup("kinds");
      const base = message(conv, 1);
      const all: Message[] = [
        { ...base, replyToSeq: 1, seq: 2 },
        {
          ...message(conv, 3),
          content: {
            kind: "image",
            media: { objectKey: "m/1", mime: "image/png", size: 10, width: 4, height: 3 },
            caption: "hi",
          },
        },
        {
          ...message(conv, 4),
          content: {
            kind: "audio",
            media: { objectKey: "m/2", mime: "audio/ogg", size: 99, durationMs: 1200 },
          },
        },
        {
          ...message(conv, 5),
          content: {
            kind: "video",
            media: {
              objectKey: "m/3",
              mime: "video/mp4",
              size: 5,
              width: 2,
              height: 2,
              durationMs: 10,
              thumbnailKey: "t/3",
            },
          },
        },
        {
          ...message(conv, 6),
          content: {
            kind: "system",
            system: { event: "member_added", by: "alice", userId: "bob" },
          },
        },
        base,
      ];
      for (const m of all) await messages.insert(m);
      await messages.insert(base);
      for (const m of all) expect(await messages.get(conv, m.seq)).toEqual(m);
      expect(await messages.get(conv, 99)).toBeNull();
      const page = await messages.page(conv, { after: 0, limit: 50 });
      expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(page.hasMore).toBe(false);
    });

    it("pages forward and backward across bucket boundaries, ascending", async () => {
      const { messages } = repositories();
      const conv = uniqueGroup("pages");
      const last = BUCKET_SIZE + 5;
      const seqs = Array.from({ length: 15 }, (_, i) => BUCKET_SIZE - 9 + i);
      // Only the seqs around the boundary matter; earlier ones are never read by these pages.
      await Promise.all(seqs.map((seq) => messages.insert(message(conv, seq))));
      const forward = await messages.page(conv, { after: BUCKET_SIZE - 4, limit: 6 });
      expect(forward.messages.map((m) => m.seq)).toEqual([
        BUCKET_SIZE - 3,
        BUCKET_SIZE - 2,
        BUCKET_SIZE - 1,
        BUCKET_SIZE,
        BUCKET_SIZE + 1,
        BUCKET_SIZE + 2,
      ]);
      expect(forward.hasMore).toBe(true);
      const tail = await messages.page(conv, { after: BUCKET_SIZE + 2, limit: 6 });
      expect(tail.messages.map((m) => m.seq)).toEqual([BUCKET_SIZE + 3, BUCKET_SIZE + 4, last]);
      expect(tail.hasMore).toBe(false);
      const back = await messages.page(conv, { before: BUCKET_SIZE + 3, limit: 4 });
      expect(back.messages.map((m) => m.seq)).toEqual([
        BUCKET_SIZE - 1,
        BUCKET_SIZE,
        BUCKET_SIZE + 1,
        BUCKET_SIZE + 2,
      ]);
      expect(back.hasMore).toBe(true);
      const bounded = await messages.page(conv, {
        after: BUCKET_SIZE - 2,
        before: BUCKET_SIZE + 2,
        limit: 10,
      });
      expect(bounded.messages.map((m) => m.seq)).toEqual([
        BUCKET_SIZE - 1,
        BUCKET_SIZE,
        BUCKET_SIZE + 1,
      ]);
      expect(bounded.hasMore).toBe(false);
      const latest = await messages.page(conv, { limit: 3, latestSeqHint: BUCKET_SIZE - 1 });
      expect(latest.messages.map((m) => m.seq)).toEqual([BUCKET_SIZE + 3, BUCKET_SIZE + 4, last]);
      expect(latest.hasMore).toBe(true);
      expect(await messages.page(uniqueGroup("empty"), { limit: 3 })).toEqual({
        messages: [],
        hasMore: false,
      });
    });

    it("keeps conversation metadata and ignores an older snapshot's write", async () => {
      const { conversations } = repositories();
      const conv = uniqueGroup("meta");
      expect(await conversations.get(conv)).toBeNull();
      await conversations.put({
        conversationId: conv,
        kind: "group",
        name: "new",
        createdAt: 5,
        membersAsOfSeq: 7,
      });
      await conversations.put({
        conversationId: conv,
        kind: "group",
        name: "old",
        createdAt: 5,
        membersAsOfSeq: 3,
      });
      expect(await conversations.get(conv)).toEqual({
        conversationId: conv,
        kind: "group",
        name: "new",
        createdAt: 5,
        membersAsOfSeq: 7,
      });
      await conversations.put({
        conversationId: conv,
        kind: "group",
        createdAt: 5,
        membersAsOfSeq: 8,
      });
      expect(await conversations.get(conv)).toEqual({
        conversationId: conv,
        kind: "group",
        createdAt: 5,
        membersAsOfSeq: 8,
      });
      const other = uniqueGroup("meta2");
      await conversations.put({
        conversationId: other,
        kind: "direct",
        createdAt: 6,
        membersAsOfSeq: 1,
      });
      const many = await conversations.getMany([conv, uniqueGroup("absent"), other]);
      expect(many.sort((a, b) => a.createdAt - b.createdAt)).toEqual([
        { conversationId: conv, kind: "group", createdAt: 5, membersAsOfSeq: 8 },
        { conversationId: other, kind: "direct", createdAt: 6, membersAsOfSeq: 1 },
      ]);
    });

    it("versions member writes and removals by asOfSeq", async () => {
      const { members } = repositories();
      const conv = uniqueGroup("members");
      await members.put(conv, member("alice"), 1);
      await members.put(conv, { ...member("bob"), role: "admin" }, 1);
      expect((await members.list(conv)).map((m) => m.userId).sort()).toEqual(["alice", "bob"]);
      expect(await members.get(conv, "bob")).toEqual({ ...member("bob"), role: "admin" });
      await members.remove(conv, "bob", 5);
      await members.put(conv, member("bob"), 2); // an older snapshot replayed: must not resurrect
      expect(await members.get(conv, "bob")).toBeNull();
      await members.put(conv, member("bob"), 9); // re-added later
      expect(await members.get(conv, "bob")).toEqual(member("bob"));
      expect(await members.get(conv, "nobody")).toBeNull();
    });

    it("inserts many messages across partitions and conversations at once, idempotently", async () => {
      const { messages } = repositories();
      const [a, b] = [uniqueGroup("many-a"), uniqueGroup("many-b")];
      const seqs = Array.from({ length: 30 }, (_, i) => BUCKET_SIZE - 14 + i);
      const batch = [
        ...seqs.map((seq) => message(a, seq)),
        ...[1, 2, 3].map((seq) => message(b, seq, "bob")),
      ];
      await messages.insertMany(batch);
      await messages.insertMany(batch.slice(10, 20));
      const page = await messages.page(a, { after: BUCKET_SIZE - 15, limit: 100 });
      expect(page.messages).toEqual(batch.slice(0, 30));
      expect((await messages.page(b, { after: 0, limit: 10 })).messages).toEqual(batch.slice(30));
    });

    it("lists a user's memberships and forgets a removed one", async () => {
      const { userConversations } = repositories();
      const user = `u-${uniqueGroup("x").slice(2)}`;
      const [conv, other] = [uniqueGroup("list"), uniqueGroup("list2")];
      await userConversations.join({
        userId: user,
        conversationId: conv,
        kind: "group",
        joinedAt: 1_000,
      });
      await userConversations.join({
        userId: user,
        conversationId: other,
        kind: "direct",
        joinedAt: 2_000,
      });
      expect(await userConversations.get(user, conv)).toEqual({
        userId: user,
        conversationId: conv,
        kind: "group",
        joinedAt: 1_000,
      });
      expect((await userConversations.list(user)).map((r) => r.conversationId).sort()).toEqual(
        [conv, other].sort(),
      );
      await userConversations.remove(user, other);
      expect(await userConversations.get(user, other)).toBeNull();
      expect((await userConversations.list(user)).map((r) => r.conversationId)).toEqual([conv]);
    });

    it("keeps a conversation's head and each member's read position; older writes lose", async () => {
      const { receipts } = repositories();
      const conv = uniqueGroup("state");
      const t = 1_700_000_000_000;
      expect(await receipts.memberState(conv, "bob")).toBeNull();
      await receipts.record(conv, { joined: ["alice", "bob", "carol"] });
      expect(await receipts.memberState(conv, "carol")).toEqual({
        conversationId: conv,
        userId: "carol",
        lastMessageSeq: 0,
        lastMessageAt: 0,
        lastReadSeq: 0,
      });
      // A run's change: head, sender, one member's receipt (all at seq `seq`, bob read `read`).
      const change = (seq: number, at: number, read: number, readAt: number) => ({
        head: { lastMessageSeq: seq, lastMessageAt: at },
        sent: [{ userId: "alice", upToSeq: seq, at }],
        receipts: [
          {
            conversationId: conv,
            userId: "bob",
            deliveredUpTo: seq,
            readUpTo: read,
            updatedAt: readAt,
          },
        ],
      });
      await receipts.record(conv, change(5, t + 500, 4, t + 600));
      // Replayed and reordered older writes: none of them moves anything back.
      await receipts.record(conv, change(3, t + 300, 2, t + 200));
      // Two messages in one millisecond: the tie keeps the greater seq.
      await receipts.record(conv, { head: { lastMessageSeq: 6, lastMessageAt: t + 600 } });
      await receipts.record(conv, { head: { lastMessageSeq: 7, lastMessageAt: t + 600 } });
      await receipts.record(conv, { head: { lastMessageSeq: 6, lastMessageAt: t + 600 } });
      const state = (userId: string) => receipts.memberState(conv, userId);
      const head = { conversationId: conv, lastMessageSeq: 7, lastMessageAt: t + 600 };
      expect(await state("alice")).toEqual({ ...head, userId: "alice", lastReadSeq: 5 });
      expect(await state("bob")).toEqual({ ...head, userId: "bob", lastReadSeq: 4 });
      expect(await state("carol")).toEqual({ ...head, userId: "carol", lastReadSeq: 0 });
      // A member without a row (joined before the head existed): the head alone.
      expect(await state("dave")).toEqual({ ...head, userId: "dave", lastReadSeq: 0 });
      // A receipt read position above what the member sent wins over it.
      await receipts.put({
        conversationId: conv,
        userId: "alice",
        deliveredUpTo: 7,
        readUpTo: 7,
        updatedAt: t + 700,
      });
      expect(await state("alice")).toMatchObject({ lastReadSeq: 7 });
      // The same for many conversations at once; one with nothing stored is left out.
      const quiet = uniqueGroup("quiet");
      const joinedOnly = uniqueGroup("joined");
      await receipts.record(joinedOnly, { joined: ["bob"] });
      const states = await receipts.memberStates("bob", [conv, quiet, joinedOnly]);
      expect(states.sort((a, b) => b.lastMessageSeq - a.lastMessageSeq)).toEqual([
        { ...head, userId: "bob", lastReadSeq: 4 },
        {
          conversationId: joinedOnly,
          userId: "bob",
          lastMessageSeq: 0,
          lastMessageAt: 0,
          lastReadSeq: 0,
        },
      ]);
      expect(await receipts.memberStates("dave", [conv])).toEqual([
        { ...head, userId: "dave", lastReadSeq: 0 },
      ]);
      // Rows with no receipt are not receipts.
      expect(await receipts.get(conv, "carol")).toBeNull();
      expect((await receipts.list(conv)).map((r) => r.userId).sort()).toEqual(["alice", "bob"]);
    });

    it("applies a state change larger than one batch (hundreds of senders and receipts)", async () => {
      const { receipts } = repositories();
      const conv = uniqueGroup("big");
      const t = 1_700_000_000_000;
      const users = Array.from({ length: 300 }, (_, i) => `m${i}`);
      await receipts.record(conv, {
        joined: users,
        head: { lastMessageSeq: 300, lastMessageAt: t + 300 },
        sent: users.map((userId, i) => ({ userId, upToSeq: i + 1, at: t + i + 1 })),
        receipts: users.map((userId) => ({
          conversationId: conv,
          userId,
          deliveredUpTo: 300,
          readUpTo: 150,
          updatedAt: t + 400,
        })),
      });
      const states = await receipts.memberStates("m299", [conv]);
      expect(states).toEqual([
        {
          conversationId: conv,
          userId: "m299",
          lastMessageSeq: 300,
          lastMessageAt: t + 300,
          lastReadSeq: 300,
        },
      ]);
      expect(await receipts.memberState(conv, "m0")).toMatchObject({ lastReadSeq: 150 });
      expect(await receipts.list(conv)).toHaveLength(300);
    });

    it("keeps the newest receipt watermarks", async () => {
      const { receipts } = repositories();
      const conv = uniqueGroup("receipts");
      await receipts.put({
        conversationId: conv,
        userId: "bob",
        deliveredUpTo: 9,
        readUpTo: 7,
        updatedAt: 1_700_000_000_900,
      });
      await receipts.put({
        conversationId: conv,
        userId: "bob",
        deliveredUpTo: 4,
        readUpTo: 2,
        updatedAt: 1_700_000_000_400,
      });
      await receipts.put({
        conversationId: conv,
        userId: "carol",
        deliveredUpTo: 1,
        readUpTo: 0,
        updatedAt: 1_700_000_000_100,
      });
      expect(await receipts.get(conv, "bob")).toEqual({
        conversationId: conv,
        userId: "bob",
        deliveredUpTo: 9,
        readUpTo: 7,
        updatedAt: 1_700_000_000_900,
      });
      expect((await receipts.list(conv)).map((r) => r.userId).sort()).toEqual(["bob", "carol"]);
      expect(await receipts.get(conv, "dave")).toBeNull();
    });

    it("stores media objects by key and reads them back unchanged", async () => {
      const { mediaObjects } = repositories();
      const conv = uniqueGroup("media");
      const row = {
        objectKey: `c/${conv}/${randomUUID()}`,
        ownerId: "alice",
        conversationId: conv,
        mime: "video/mp4",
        // Above 2^32: the column is a bigint.
        size: 5_000_000_000,
        createdAt: 1_700_000_000_123,
      };
      await mediaObjects.put(row);
      expect(await mediaObjects.get(row.objectKey)).toEqual(row);
      expect(await mediaObjects.get(`c/${conv}/${randomUUID()}`)).toBeNull();
    });
  });
}
