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

    it("updates list rows in place and never moves watermarks back", async () => {
      const { userConversations } = repositories();
      const user = `u-${uniqueGroup("x").slice(2)}`;
      const conv = uniqueGroup("list");
      await userConversations.join({
        userId: user,
        conversationId: conv,
        kind: "group",
        joinedAt: 1_000,
      });
      await userConversations.recordMessage({
        userId: user,
        conversationId: conv,
        lastMessageSeq: 5,
        lastMessageAt: 1_700_000_000_500,
      });
      await userConversations.recordRead({
        userId: user,
        conversationId: conv,
        lastReadSeq: 4,
        at: 1_700_000_000_600,
      });
      await userConversations.recordMessage({
        userId: user,
        conversationId: conv,
        lastMessageSeq: 3,
        lastMessageAt: 1_700_000_000_300,
      });
      await userConversations.recordRead({
        userId: user,
        conversationId: conv,
        lastReadSeq: 2,
        at: 1_700_000_000_200,
      });
      expect(await userConversations.get(user, conv)).toEqual({
        userId: user,
        conversationId: conv,
        kind: "group",
        joinedAt: 1_000,
        lastMessageSeq: 5,
        lastMessageAt: 1_700_000_000_500,
        lastReadSeq: 4,
      });
      const other = uniqueGroup("list2");
      await userConversations.recordMessage({
        userId: user,
        conversationId: other,
        lastMessageSeq: 1,
        lastMessageAt: 1_700_000_000_100,
      });
      expect((await userConversations.list(user)).map((r) => r.conversationId).sort()).toEqual(
        [conv, other].sort(),
      );
      await userConversations.remove(user, other);
      expect(await userConversations.get(user, other)).toBeNull();
      expect((await userConversations.list(user)).map((r) => r.conversationId)).toEqual([conv]);
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
