// Assertions shared by the e2e suites: what "arrived exactly once, in the edge's order" means.
import { foldChange, isChange, type Message } from "@edge-chat/protocol";
import { expect } from "vitest";
// Types `inject("services")` (the harness declares it on vitest's ProvidedContext).
import type {} from "../../tools/services/vitest.global-setup.ts";
import type { RegionApi } from "../src/index.ts";
import { until } from "../src/index.ts";

/**
 * Waits until region B's history holds every seq of 1..lastSeq with every change among them folded
 * in, then returns it. Every seq, not just the last: batches may reach Cassandra through different
 * regions (failover), so a later message can be stored before an earlier one. Folded in too: the
 * persister stores a step's rows before it applies their changes (edits, reactions, a delete's
 * tombstone and scrub), so history holds a change's row a moment before its effect; the design
 * promises the latest state once the change is applied, not atomically with its row.
 */
export async function historyUpTo(
  api: RegionApi,
  conversationId: string,
  userId: string,
  lastSeq: number,
  timeoutMs = 240_000,
): Promise<Message[]> {
  let messages: Message[] = [];
  await until(
    async () => {
      messages = await api.allMessages(conversationId, userId);
      const seqs = new Set(messages.map((m) => m.seq));
      const all = Array.from({ length: lastSeq }, (_, i) => i + 1).every((seq) => seqs.has(seq));
      return all && changesFoldedIn(messages);
    },
    `${conversationId} to hold seq 1..${lastSeq} in region history`,
    { everyMs: 500, timeoutMs },
  ).catch(() => {
    // Report what is there (the assertions that follow name what is missing).
  });
  return messages;
}

/** Whether every row already holds the effect of every later change in `messages` (ascending). */
export function changesFoldedIn(messages: readonly Message[]): boolean {
  const changes = messages.filter(isChange);
  // foldChange ignores a change not newer than the row, so each pair can be asked in any order.
  return changes.every((change) => messages.every((row) => foldChange(row, change) === row));
}

/** seq 1..n exactly, ascending, each once (the message names what is missing or doubled). */
export function expectGapless(messages: readonly Message[], n: number): void {
  const seqs = messages.map((m) => m.seq);
  const counts = new Map<number, number>();
  for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((seq) => !counts.has(seq));
  const doubled = [...counts].filter(([, count]) => count > 1).map(([seq]) => seq);
  expect(seqs, `missing ${JSON.stringify(missing)}, doubled ${JSON.stringify(doubled)}`).toEqual(
    Array.from({ length: n }, (_, i) => i + 1),
  );
}

/** Every client message id once: no message was created twice. */
export function expectNoDuplicateSends(messages: readonly Message[]): void {
  const ids = messages.filter((m) => m.content.kind !== "system").map((m) => m.clientMsgId);
  expect(new Set(ids).size).toBe(ids.length);
}

export const texts = (messages: readonly Message[]) =>
  messages.flatMap((m) => (m.content.kind === "text" ? [m.content.text] : []));

/** Per region counts of ingested events: `region` took at least `atLeast`, every other none. */
export function expectTakenOnlyBy(
  moved: Record<string, number>,
  region: string,
  atLeast: number,
): void {
  expect(moved[region], JSON.stringify(moved)).toBeGreaterThanOrEqual(atLeast);
  for (const [other, count] of Object.entries(moved)) {
    if (other !== region) expect(count, `${other} took batches: ${JSON.stringify(moved)}`).toBe(0);
  }
}
