// A long ingest outage: both regions' region-core killed for 6 × CHAOS_FAULT_MS (60 s in the full
// run) while clients keep sending. The edge acknowledges throughout (messages are durable in the
// ConversationDOs) and every region outbox backs off (capped at 5 s); then both regions start again
// and the backlog drains. recovery_ms: regions back → everything acknowledged is in every DC.
// detail: the backlog's size and publish_inversions, the messages published to Kafka before a lower
// seq of the same conversation (the drain must keep each conversation's order: 0).
import { messageRecords, recordKey } from "../kafka-records.ts";
import { backlogDrainMs, type Scenario, sleep } from "../scenario.ts";

export const ingestOutage: Scenario = {
  name: "ingest-outage",
  summary: "every region down for 6 × CHAOS_FAULT_MS; recovery_ms = back → backlog in every DC",
  async inject(ctx) {
    const { system, options, stream, log } = ctx;
    const outageMs = options.faultMs * 6;
    await Promise.all(system.regions.map((r) => r.kill()));
    const ackedAtKill = stream.acked();
    log(`ingest-outage: every region down for ${outageMs} ms`);
    await sleep(outageMs);
    const backlog = stream.acked() - ackedAtKill;
    await Promise.all(system.regions.map((r) => r.start({ timeoutMs: options.deadlineMs })));
    const back = Date.now();
    log(`ingest-outage: regions back; ${backlog} acknowledged meanwhile`);
    await stream.done;
    const recoveryMs = await backlogDrainMs(ctx, back);
    const acked = stream.sent.filter((s) => s.ack);
    const records = await messageRecords(
      system,
      new Set(acked.map((s) => recordKey(s.conversationId, s.ack!.seq))),
    );
    let inversions = 0;
    for (const c of ctx.conversations) {
      const times = acked
        .filter((s) => s.conversationId === c.id)
        .map((s) => s.ack!.seq)
        .sort((x, y) => x - y)
        .map((seq) => records.get(recordKey(c.id, seq))?.[0]?.at ?? Number.NaN);
      inversions += times.filter((at, i) => i > 0 && at < times[i - 1]!).length;
    }
    return {
      recoveryMs,
      detail: { outage_ms: outageMs, backlog, publish_inversions: inversions },
    };
  },
};
