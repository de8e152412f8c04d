// Benchmark: the conversation-list design, old (per-member rows rewritten per message) vs new
// (cql/migrations/0007: the conversation's head written once per message, the list derived on read).
//
//   write old  one message = one UPDATE of conversations_by_user per member (what the persister did
//              before 0007, not even counting its SELECT of the members and of each row);
//   write new  one message = one unlogged batch on the conversation's message_receipts partition
//              (the static head and the sender's sent_up_to), whatever the group size;
//   read old   the user's conversations_by_user partition, sorted by last_message_at, top 20;
//   read new   the user's memberships, then one multi-partition IN read of the member's rows in
//              the conversations' state partitions (head + watermarks) beside one IN read of the
//              groups' names, sorted, top 20 (what region-core does); and, for comparison, the
//              rejected variant with one single-row read per conversation.
// Same workload for both, in one run, against the real two-datacenter Cassandra. JSON lines.
// Usage: npm run bench -- conversation-list [--users 100 --per-user 40 --members 20 --seconds 3]
import { parseArgs } from "node:util";
import { loadMigrations, renderTemplate, splitStatements } from "@edge-chat/cql";
import { ensureServices } from "@edge-chat/services";
import cassandra from "cassandra-driver";
import { jsonLine, measure, measureFor } from "./measure.ts";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "100" },
    "per-user": { type: "string", default: "40" },
    members: { type: "string", default: "20" },
    seconds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
  },
});
const users = Number(values.users);
const perUser = Number(values["per-user"]);
const groupSize = Number(values.members);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const conversations = Math.ceil((users * perUser) / groupSize);
const BENCH = "conversation-list";

const endpoints = await ensureServices({ only: ["cassandra"] });
const keyspace = `bench_convlist_${Date.now()}`;
const client = new cassandra.Client({
  contactPoints: endpoints.cassandra.contactPoints,
  localDataCenter: endpoints.cassandra.dataCenters[0]!.name,
  queryOptions: { consistency: cassandra.types.consistencies.localQuorum, prepare: true },
});
await client.connect();
const replication = `{'class': 'NetworkTopologyStrategy', ${endpoints.cassandra.dataCenters
  .map((dc) => `'${dc.name}': 1`)
  .join(", ")}}`;
for (const migration of await loadMigrations()) {
  for (const statement of splitStatements(
    renderTemplate(migration.template, { keyspace, replication }),
  )) {
    await client.execute(statement);
  }
}

// Conversation c's members are users c·G … c·G+G-1 (mod users): every user is in ~perUser of them.
const membersOf = (c: number) =>
  Array.from({ length: groupSize }, (_, k) => `u${(c * groupSize + k) % users}`);
const conversationId = (c: number) => `g:c${c}`;
const base = Date.now();
const byUser = `${keyspace}.conversations_by_user`;
const state = `${keyspace}.message_receipts`;

// Memberships (both designs) and each member's row in the state partition (new design).
await measure("setup", conversations, concurrency, async (c) => {
  await client.execute(
    `INSERT INTO ${keyspace}.conversations (conversation_id, kind, name, created_at) VALUES (?, 'group', ?, ?)`,
    [conversationId(c), `group ${c}`, new Date(base)],
  );
  await Promise.all(
    membersOf(c).map(async (user) => {
      await client.execute(
        `UPDATE ${byUser} SET kind = 'group', joined_at = ? WHERE user_id = ? AND conversation_id = ?`,
        [new Date(base), user, conversationId(c)],
      );
      await client.execute(`INSERT INTO ${state} (conversation_id, user_id) VALUES (?, ?)`, [
        conversationId(c),
        user,
      ]);
    }),
  );
});

const writeOld = await measureFor("write old", seconds, concurrency, async (i) => {
  const c = i % conversations;
  const at = base + i;
  await Promise.all(
    membersOf(c).map((user) =>
      client.execute(
        `UPDATE ${byUser} USING TIMESTAMP ? SET last_message_seq = ?, last_message_at = ? WHERE user_id = ? AND conversation_id = ?`,
        [at * 1000, i + 1, new Date(at), user, conversationId(c)],
      ),
    ),
  );
});
jsonLine({
  bench: BENCH,
  case: "write old: UPDATE per member per message",
  groupSize,
  statementsPerMessage: groupSize,
  ...writeOld,
});

const writeNew = await measureFor("write new", seconds, concurrency, async (i) => {
  const c = i % conversations;
  const at = base + i;
  const sender = membersOf(c)[i % groupSize]!;
  await client.batch(
    [
      {
        query: `UPDATE ${state} USING TIMESTAMP ? SET last_message_seq = ?, last_message_at = ? WHERE conversation_id = ?`,
        params: [at * 1000, i + 1, new Date(at), conversationId(c)],
      },
      {
        query: `UPDATE ${state} USING TIMESTAMP ? SET sent_up_to = ? WHERE conversation_id = ? AND user_id = ?`,
        params: [at * 1000, i + 1, conversationId(c), sender],
      },
    ],
    { prepare: true, logged: false },
  );
});
jsonLine({
  bench: BENCH,
  case: "write new: one state batch per message",
  groupSize,
  statementsPerMessage: 2,
  ...writeNew,
});

const top20 = <T extends { at: number }>(rows: T[]) =>
  rows.sort((a, b) => b.at - a.at).slice(0, 20);

const readOld = await measureFor("read old", seconds, concurrency, async (i) => {
  const rows = await client.execute(
    `SELECT conversation_id, last_message_at, last_message_seq, last_read_seq FROM ${byUser} WHERE user_id = ?`,
    [`u${i % users}`],
    { fetchSize: 5000 },
  );
  top20(
    rows.rows.map((r) => ({ id: r.get("conversation_id"), at: Number(r.get("last_message_at")) })),
  );
});
jsonLine({ bench: BENCH, case: "read old: one partition + sort, top 20", perUser, ...readOld });

const readNew = await measureFor("read new", seconds, concurrency, async (i) => {
  const user = `u${i % users}`;
  const memberships = await client.execute(
    `SELECT conversation_id, kind, joined_at FROM ${byUser} WHERE user_id = ?`,
    [user],
    { fetchSize: 5000 },
  );
  const rows = await Promise.all(
    memberships.rows.map(async (m) => {
      const id = m.get("conversation_id") as string;
      const row = (
        await client.execute(
          `SELECT last_message_seq, last_message_at, read_up_to, sent_up_to FROM ${state} WHERE conversation_id = ? AND user_id = ?`,
          [id, user],
        )
      ).first();
      return { id, at: Number(row?.get("last_message_at") ?? 0) };
    }),
  );
  top20(rows);
});
jsonLine({
  bench: BENCH,
  case: "read new, rejected variant: memberships + N single-row reads, top 20",
  perUser,
  ...readNew,
});
// What region-core does: one multi-partition IN read of the member's rows (the coordinator fans
// out instead of the client) and one of the groups' names, in parallel.
const readNewIn = await measureFor("read new IN", seconds, concurrency, async (i) => {
  const user = `u${i % users}`;
  const memberships = await client.execute(
    `SELECT conversation_id FROM ${byUser} WHERE user_id = ?`,
    [user],
    { fetchSize: 5000 },
  );
  const ids = memberships.rows.map((m) => m.get("conversation_id") as string);
  const [rows] = await Promise.all([
    client.execute(
      `SELECT conversation_id, last_message_seq, last_message_at, read_up_to, sent_up_to FROM ${state} WHERE conversation_id IN ? AND user_id = ?`,
      [ids, user],
      { fetchSize: 5000 },
    ),
    client.execute(
      `SELECT conversation_id, kind, name FROM ${keyspace}.conversations WHERE conversation_id IN ?`,
      [ids],
      { fetchSize: 5000 },
    ),
  ]);
  top20(
    rows.rows.map((r) => ({
      id: r.get("conversation_id"),
      at: Number(r.get("last_message_at") ?? 0),
    })),
  );
});
jsonLine({
  bench: BENCH,
  case: "read new: memberships + IN read of the rows + IN read of names, top 20",
  perUser,
  ...readNewIn,
});
jsonLine({
  bench: BENCH,
  case: "summary",
  groupSize,
  perUser,
  writeNewOverOld: writeNew.opsPerSecond / writeOld.opsPerSecond,
  readNewOverOld: readNew.opsPerSecond / readOld.opsPerSecond,
  readNewInOverOld: readNewIn.opsPerSecond / readOld.opsPerSecond,
});
await client.execute(`DROP KEYSPACE ${keyspace}`);
await client.shutdown();
