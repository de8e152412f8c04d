// The check after every scenario: each acknowledged message must be stored exactly once, under the
// seq the edge acknowledged, in Cassandra in every datacenter, and be delivered exactly once, in
// seq order, to every member's session (live or replayed after reconnects). Waits (bounded) for
// the system to catch up first, then counts what is lost, duplicated or out of order.
import { until } from "@edge-chat/e2e";
import type { Conversation } from "./members.ts";
import type { Sent } from "./stream.ts";
import type { ChaosSystem } from "./system.ts";

export interface Verdict {
  acked: number;
  /** Acknowledged messages found exactly once, under their seq, in every datacenter. */
  stored: number;
  lost: number;
  duplicated: number;
  reordered: number;
}

type Rows = { seq: number; clientMsgId: string }[];

const ackedOf = (sent: readonly Sent[], conversationId: string) =>
  sent.flatMap((s) => (s.ack && s.conversationId === conversationId ? [s.ack] : []));

/** Rows of every conversation in every datacenter: rows[dc][conversationId]. */
async function readRows(system: ChaosSystem, list: readonly Conversation[], sent: readonly Sent[]) {
  const rows = new Map<string, Map<string, Rows>>();
  for (const dc of system.dcs) {
    const perConversation = new Map<string, Rows>();
    for (const c of list) {
      const last = Math.max(1, ...ackedOf(sent, c.id).map((a) => a.seq));
      perConversation.set(c.id, await system.storage.storedRows(c.id, dc, last + 1000));
    }
    rows.set(dc, perConversation);
  }
  return rows;
}

/** True once every acknowledged message is in every datacenter (used to time recovery too). */
export async function allStored(
  system: ChaosSystem,
  list: readonly Conversation[],
  sent: readonly Sent[],
  acked = sent.filter((s) => s.ack),
): Promise<boolean> {
  const rows = await readRows(system, list, acked);
  for (const perConversation of rows.values()) {
    for (const c of list) {
      const have = new Set(perConversation.get(c.id)?.map((r) => `${r.seq}/${r.clientMsgId}`));
      for (const s of acked) {
        if (s.conversationId === c.id && !have.has(`${s.ack!.seq}/${s.ack!.clientMsgId}`))
          return false;
      }
    }
  }
  return true;
}

export async function verify(
  system: ChaosSystem,
  list: readonly Conversation[],
  sent: readonly Sent[],
  deadlineMs: number,
): Promise<Verdict> {
  const acked = sent.filter((s) => s.ack);
  // Catch up (bounded): storage in every DC, and every member's session up to the last ack.
  await until(() => allStored(system, list, sent), "every ack stored in every DC", {
    everyMs: 500,
    timeoutMs: deadlineMs,
  }).catch(() => {});
  await until(
    () =>
      list.every((c) => {
        const last = Math.max(0, ...ackedOf(sent, c.id).map((a) => a.seq));
        return c.members.every((m) => (m.seen.at(-1)?.seq ?? 0) >= last);
      }),
    "every member's session to reach the last ack",
    { everyMs: 200, timeoutMs: deadlineMs },
  ).catch(() => {});

  const rows = await readRows(system, list, sent);
  const missing = new Set<string>();
  let duplicated = 0;
  let reordered = 0;
  for (const c of list) {
    const expected = ackedOf(sent, c.id);
    const views: Rows[] = [
      ...[...rows.values()].map((perConversation) => perConversation.get(c.id) ?? []),
      ...c.members.map((m) => m.seen.map((x) => ({ seq: x.seq, clientMsgId: x.clientMsgId }))),
    ];
    for (const view of views) {
      const byId = new Map<string, number[]>();
      for (const r of view) byId.set(r.clientMsgId, [...(byId.get(r.clientMsgId) ?? []), r.seq]);
      for (const seqs of byId.values()) duplicated += seqs.length - 1;
      for (let i = 1; i < view.length; i++) if (view[i]!.seq <= view[i - 1]!.seq) reordered++;
      for (const ack of expected) {
        const seqs = byId.get(ack.clientMsgId);
        if (!seqs) missing.add(ack.clientMsgId);
        else if (!seqs.includes(ack.seq)) reordered++;
      }
    }
  }
  return {
    acked: acked.length,
    stored: acked.length - missing.size,
    lost: missing.size,
    duplicated,
    reordered,
  };
}
