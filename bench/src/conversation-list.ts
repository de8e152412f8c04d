// Benchmark: the conversation-list table design (cql/migrations/0004_conversations_by_user.cql).
//
// Compares, in one run against the real two-datacenter Cassandra:
//   in-place   — the shipped design: PRIMARY KEY ((user_id), conversation_id), one UPDATE per member
//                per message batch, list sorted by last_message_at when read;
//   recency    — the rejected design: PRIMARY KEY ((user_id), last_message_at, conversation_id)
//                clustered newest first, which needs a read of the old key, then DELETE old + INSERT
//                new (a logged single-partition batch) per member per message, and leaves a tombstone
//                each time; its read is a plain LIMIT.
// Usage: npm run bench:conversation-list [-- --users 100 --conversations 40 --updates 4000]
import { parseArgs } from "node:util";
import { loadMigrations, renderTemplate, splitStatements } from "@edge-chat/cql";
import { ensureServices } from "@edge-chat/services";
import cassandra from "cassandra-driver";
import { type Figures, measure, printTable, ratio } from "./measure.ts";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "100" },
    conversations: { type: "string", default: "40" },
    updates: { type: "string", default: "4000" },
    reads: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
  },
});
const users = Number(values.users);
const perUser = Number(values.conversations);
const updates = Number(values.updates);
const reads = Number(values.reads);
const concurrency = Number(values.concurrency);

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
  if (migration.version > 4) continue;
  for (const statement of splitStatements(
    renderTemplate(migration.template, { keyspace, replication }),
  )) {
    await client.execute(statement);
  }
}
await client.execute(`CREATE TABLE ${keyspace}.list_by_recency (
  user_id text, last_message_at timestamp, conversation_id text, last_message_seq bigint,
  PRIMARY KEY ((user_id), last_message_at, conversation_id)
) WITH CLUSTERING ORDER BY (last_message_at DESC, conversation_id ASC)`);
await client.execute(`CREATE TABLE ${keyspace}.list_recency_key (
  user_id text, conversation_id text, last_message_at timestamp, PRIMARY KEY ((user_id), conversation_id))`);

// A deterministic workload: update i touches user (i mod users), conversation (i·7 mod perUser).
const userOf = (i: number) => `u${i % users}`;
const conversationOf = (i: number) => `g:c${(i * 7) % perUser}`;
const base = Date.now();

const inPlace = await measure("write in-place (update)", updates, concurrency, async (i) => {
  await client.execute(
    `UPDATE ${keyspace}.conversations_by_user USING TIMESTAMP ?
       SET last_message_seq = ?, last_message_at = ? WHERE user_id = ? AND conversation_id = ?`,
    [(base + i) * 1000, i + 1, new Date(base + i), userOf(i), conversationOf(i)],
  );
});

const recency = await measure(
  "write recency (read + delete + insert)",
  updates,
  concurrency,
  async (i) => {
    const user = userOf(i);
    const conversation = conversationOf(i);
    const at = new Date(base + i);
    const old = await client.execute(
      `SELECT last_message_at FROM ${keyspace}.list_recency_key WHERE user_id = ? AND conversation_id = ?`,
      [user, conversation],
    );
    const previous = old.first()?.get("last_message_at") as Date | undefined;
    const queries = [
      {
        query: `INSERT INTO ${keyspace}.list_by_recency (user_id, last_message_at, conversation_id, last_message_seq) VALUES (?, ?, ?, ?)`,
        params: [user, at, conversation, i + 1],
      },
      {
        query: `INSERT INTO ${keyspace}.list_recency_key (user_id, conversation_id, last_message_at) VALUES (?, ?, ?)`,
        params: [user, conversation, at],
      },
    ];
    if (previous) {
      queries.push({
        query: `DELETE FROM ${keyspace}.list_by_recency WHERE user_id = ? AND last_message_at = ? AND conversation_id = ?`,
        params: [user, previous, conversation],
      });
    }
    await client.batch(queries, { prepare: true, logged: true });
  },
);

const readInPlace = await measure(
  "read top 20 in-place (partition + sort)",
  reads,
  concurrency,
  async (i) => {
    const rows = await client.execute(
      `SELECT conversation_id, last_message_at, last_message_seq FROM ${keyspace}.conversations_by_user WHERE user_id = ?`,
      [userOf(i)],
    );
    rows.rows
      .sort((a, b) => Number(b.get("last_message_at")) - Number(a.get("last_message_at")))
      .slice(0, 20);
  },
);

const readRecency = await measure(
  "read top 20 recency (LIMIT 20)",
  reads,
  concurrency,
  async (i) => {
    await client.execute(
      `SELECT conversation_id, last_message_at, last_message_seq FROM ${keyspace}.list_by_recency WHERE user_id = ? LIMIT 20`,
      [userOf(i)],
    );
  },
);

const rows: Figures[] = [inPlace, recency, readInPlace, readRecency];
console.log(
  `\nconversation list: ${users} users x ${perUser} conversations, ${updates} updates, ${reads} reads, concurrency ${concurrency}`,
);
printTable(rows);
console.log(ratio(inPlace, recency));
console.log(ratio(readInPlace, readRecency));
await client.execute(`DROP KEYSPACE ${keyspace}`);
await client.shutdown();
