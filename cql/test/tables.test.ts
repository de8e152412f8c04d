// The migrated tables against the real cluster: written at LOCAL_QUORUM through a dc1
// coordinator, read at LOCAL_QUORUM through a dc2 coordinator (replication is asynchronous
// between datacenters, so reads poll until the row arrives). Also checks the two design claims
// the repositories rely on: bucketsForPage plans return exactly a page, and watermark cells
// written with the event time as write timestamp never move backwards.
import cassandra from "cassandra-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketOf, bucketsForPage } from "../src/buckets.ts";
import { migrate } from "../src/migrate.ts";
import {
  CONVERSATION_MEMBERS as CM,
  CONVERSATIONS as C,
  CONVERSATIONS_BY_USER as CBU,
  MEDIA_OBJECTS as MO,
  MESSAGE_RECEIPTS as MR,
  MESSAGES_BY_CONVERSATION as MBC,
  TABLES,
  watermarkWriteTimestamp,
} from "../src/tables.ts";
import { clientIn, configFor, dataCenters, dropKeyspaces, uniqueKeyspace } from "./services.ts";

const { consistencies } = cassandra.types;
const [dc1 = "dc1", dc2 = "dc2"] = dataCenters;
const ks = uniqueKeyspace("tables");
const writer = clientIn(dc1, ks);
const reader = clientIn(dc2, ks);
const WRITE = { prepare: true, consistency: consistencies.localQuorum } as const;
const READ = { prepare: true, consistency: consistencies.localQuorum } as const;
const POLL = { timeout: 60_000, interval: 200 } as const;
const conversationId = "g:tables-test";

beforeAll(async () => {
  await migrate({ config: configFor(ks, dc1) });
  await Promise.all([writer.connect(), reader.connect()]);
});

afterAll(async () => {
  await Promise.all([writer.shutdown(), reader.shutdown()]);
  await dropKeyspaces([ks]);
});

async function readRows(query: string, params: unknown[]) {
  return (await reader.execute(query, params, READ)).rows;
}

describe("tables (write in dc1, read in dc2, LOCAL_QUORUM)", () => {
  it("conversations, members and media objects", async () => {
    const createdAt = new Date("2026-11-27T12:00:00Z");
    await writer.execute(
      `INSERT INTO ${TABLES.conversations} (${C.conversationId}, ${C.kind}, ${C.name}, ${C.createdBy}, ${C.createdAt}) VALUES (?, ?, ?, ?, ?)`,
      [conversationId, "group", "Team", "alice", createdAt],
      WRITE,
    );
    for (const [userId, role] of [
      ["alice", "admin"],
      ["bob", "member"],
    ]) {
      await writer.execute(
        `INSERT INTO ${TABLES.conversationMembers} (${CM.conversationId}, ${CM.userId}, ${CM.role}, ${CM.joinedAt}) VALUES (?, ?, ?, ?)`,
        [conversationId, userId, role, createdAt],
        WRITE,
      );
    }
    await writer.execute(
      `INSERT INTO ${TABLES.mediaObjects} (${MO.objectKey}, ${MO.ownerId}, ${MO.conversationId}, ${MO.mime}, ${MO.size}, ${MO.createdAt}) VALUES (?, ?, ?, ?, ?, ?)`,
      [
        "media/abc.jpg",
        "alice",
        conversationId,
        "image/jpeg",
        cassandra.types.Long.fromNumber(12345),
        createdAt,
      ],
      WRITE,
    );

    await expect
      .poll(async () => {
        const rows = await readRows(
          `SELECT ${C.kind}, ${C.name}, ${C.createdBy} FROM ${TABLES.conversations} WHERE ${C.conversationId} = ?`,
          [conversationId],
        );
        return rows.map((r) => [r.get(C.kind), r.get(C.name), r.get(C.createdBy)]);
      }, POLL)
      .toEqual([["group", "Team", "alice"]]);
    await expect
      .poll(async () => {
        const rows = await readRows(
          `SELECT ${CM.userId}, ${CM.role} FROM ${TABLES.conversationMembers} WHERE ${CM.conversationId} = ?`,
          [conversationId],
        );
        return rows.map((r) => `${r.get(CM.userId)}:${r.get(CM.role)}`);
      }, POLL)
      .toEqual(["alice:admin", "bob:member"]);
    await expect
      .poll(async () => {
        const rows = await readRows(
          `SELECT ${MO.mime}, ${MO.size} FROM ${TABLES.mediaObjects} WHERE ${MO.objectKey} = ?`,
          ["media/abc.jpg"],
        );
        return rows.map((r) => `${r.get(MO.mime)} ${String(r.get(MO.size))}`);
      }, POLL)
      .toEqual(["image/jpeg 12345"]);
  });

  it("messages across a bucket boundary, paged with bucketsForPage", async () => {
    const insert = `INSERT INTO ${TABLES.messagesByConversation} (${[
      MBC.conversationId,
      MBC.bucket,
      MBC.seq,
      MBC.messageId,
      MBC.clientMsgId,
      MBC.senderId,
      MBC.kind,
      MBC.body,
      MBC.media,
      MBC.replyToSeq,
      MBC.serverTs,
    ].join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    for (let seq = 990; seq <= 1010; seq++) {
      const media =
        seq === 1000
          ? {
              object_key: "media/abc.jpg",
              mime: "image/jpeg",
              size: cassandra.types.Long.fromNumber(12345),
              width: 640,
              height: 480,
              duration_ms: null,
              thumbnail_key: "media/abc.thumb.jpg",
            }
          : null;
      await writer.execute(
        insert,
        [
          conversationId,
          bucketOf(seq),
          cassandra.types.Long.fromNumber(seq),
          `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
          `client-${seq}`,
          seq % 2 === 0 ? "alice" : "bob",
          seq === 1000 ? "image" : "text",
          `message ${seq}`,
          media,
          seq === 1001 ? cassandra.types.Long.fromNumber(1000) : null,
          new Date(1_800_000_000_000 + seq),
        ],
        WRITE,
      );
    }

    const readPage = async (plan: ReturnType<typeof bucketsForPage>) => {
      const seqs: number[] = [];
      for (const range of plan.ranges) {
        const rows = await readRows(
          `SELECT ${MBC.seq} FROM ${TABLES.messagesByConversation} WHERE ${MBC.conversationId} = ? AND ${MBC.bucket} = ? AND ${MBC.seq} >= ? AND ${MBC.seq} <= ? ORDER BY ${MBC.seq} ${plan.order.toUpperCase()}`,
          [
            conversationId,
            range.bucket,
            cassandra.types.Long.fromNumber(range.minSeq),
            cassandra.types.Long.fromNumber(range.maxSeq),
          ],
        );
        seqs.push(...rows.map((r) => Number(r.get(MBC.seq))));
      }
      return seqs;
    };

    const back = bucketsForPage({ beforeSeq: 1005, limit: 10 });
    expect(back.ranges.map((r) => r.bucket)).toEqual([1, 0]);
    await expect
      .poll(() => readPage(back), POLL)
      .toEqual([1004, 1003, 1002, 1001, 1000, 999, 998, 997, 996, 995]);
    const forward = bucketsForPage({ afterSeq: 997, limit: 50, latestSeq: 1010 });
    await expect
      .poll(() => readPage(forward), POLL)
      .toEqual(Array.from({ length: 13 }, (_, i) => 998 + i));

    const [row] = await readRows(
      `SELECT ${MBC.kind}, ${MBC.media}, ${MBC.senderId} FROM ${TABLES.messagesByConversation} WHERE ${MBC.conversationId} = ? AND ${MBC.bucket} = ? AND ${MBC.seq} = ?`,
      [conversationId, 0, cassandra.types.Long.fromNumber(1000)],
    );
    expect(row?.get(MBC.kind)).toBe("image");
    expect(row?.get(MBC.media)).toMatchObject({
      object_key: "media/abc.jpg",
      width: 640,
      height: 480,
      thumbnail_key: "media/abc.thumb.jpg",
    });
  });

  it("watermarks written with the event time as write timestamp never move backwards", async () => {
    const receipt = `UPDATE ${TABLES.messageReceipts} SET ${MR.deliveredUpTo} = ?, ${MR.readUpTo} = ?, ${MR.updatedAt} = ? WHERE ${MR.conversationId} = ? AND ${MR.userId} = ?`;
    const writeReceipt = (delivered: number, read: number, atMs: number) =>
      writer.execute(
        receipt,
        [
          cassandra.types.Long.fromNumber(delivered),
          cassandra.types.Long.fromNumber(read),
          new Date(atMs),
          conversationId,
          "bob",
        ],
        { ...WRITE, timestamp: watermarkWriteTimestamp(atMs) },
      );
    const t0 = Date.now();
    await writeReceipt(10, 8, t0 + 2);
    // A replayed, older receipt arrives late: it must not win.
    await writeReceipt(5, 3, t0 + 1);
    await expect
      .poll(async () => {
        const rows = await readRows(
          `SELECT ${MR.deliveredUpTo}, ${MR.readUpTo} FROM ${TABLES.messageReceipts} WHERE ${MR.conversationId} = ?`,
          [conversationId],
        );
        return rows.map((r) => [Number(r.get(MR.deliveredUpTo)), Number(r.get(MR.readUpTo))]);
      }, POLL)
      .toEqual([[10, 8]]);

    const list = `UPDATE ${TABLES.conversationsByUser} SET ${CBU.lastMessageSeq} = ?, ${CBU.lastMessageAt} = ? WHERE ${CBU.userId} = ? AND ${CBU.conversationId} = ?`;
    const writeLast = (seq: number, atMs: number) =>
      writer.execute(
        list,
        [cassandra.types.Long.fromNumber(seq), new Date(atMs), "bob", conversationId],
        { ...WRITE, timestamp: watermarkWriteTimestamp(atMs) },
      );
    await writer.execute(
      `INSERT INTO ${TABLES.conversationsByUser} (${CBU.userId}, ${CBU.conversationId}, ${CBU.kind}, ${CBU.joinedAt}) VALUES (?, ?, ?, ?)`,
      ["bob", conversationId, "group", new Date(t0)],
      WRITE,
    );
    await writeLast(1010, t0 + 20);
    await writeLast(1005, t0 + 10);
    await writer.execute(
      `UPDATE ${TABLES.conversationsByUser} SET ${CBU.lastReadSeq} = ? WHERE ${CBU.userId} = ? AND ${CBU.conversationId} = ?`,
      [cassandra.types.Long.fromNumber(1002), "bob", conversationId],
      { ...WRITE, timestamp: watermarkWriteTimestamp(t0 + 21) },
    );
    await expect
      .poll(async () => {
        const rows = await readRows(
          `SELECT ${CBU.conversationId}, ${CBU.kind}, ${CBU.lastMessageSeq}, ${CBU.lastReadSeq} FROM ${TABLES.conversationsByUser} WHERE ${CBU.userId} = ?`,
          ["bob"],
        );
        return rows.map((r) => ({
          conversationId: r.get(CBU.conversationId),
          kind: r.get(CBU.kind),
          unread: Number(r.get(CBU.lastMessageSeq)) - Number(r.get(CBU.lastReadSeq)),
        }));
      }, POLL)
      .toEqual([{ conversationId, kind: "group", unread: 8 }]);
  });
});
