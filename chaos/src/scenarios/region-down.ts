// A whole region down and back: the conversations' home region (the one their batches went to so
// far; the nearest to the clients' location: with Miniflare's placeholder request.cf, in Texas,
// that is us-east) killed, ingest and persister, and kept down for CHAOS_FAULT_MS while the stream
// goes on (paced, so it outlasts the return), then started again. Every conversation's region
// outbox fails over to the other region and, by the failback rule (edge/src/region/failback.ts:
// home again once REGION_OUTBOX_FAILBACK_AFTER_MS have passed since home's last failure, after a
// pause of REGION_OUTBOX_FAILBACK_DRAIN_MS behind the last batch to the other region), returns
// home. Where each message went is read back from the regions' Kafka topics. recovery_ms: home
// started again → every conversation's batches go home again (the failback; -1 if one never did);
// detail: the failover time (kill → the last conversation's first batch elsewhere while home was
// down), how often conversations switched region (2 each: away and back) and moved_again: messages
// that went elsewhere after a conversation's return (a later failover, when home's ingest failed
// again; on an overloaded machine ingest calls time out, so this is reported, not asserted).
import { type MessageRecord, messageRecords, recordKey } from "../kafka-records.ts";
import type { RegionProcess } from "@edge-chat/e2e";
import { backlogDrainMs, type FaultContext, type Scenario, sleep } from "../scenario.ts";

/** Time the stream must run after the fault starts: the outage, a region start, the failback. */
const AFTER_FAULT_MS = 30_000;

export const regionDown: Scenario = {
  name: "region-down",
  summary: "region A down for CHAOS_FAULT_MS, then back; recovery_ms = A back → batches back on A",
  paced: true,
  // The 70% of the stream left at injection spread over the outage and the return.
  rate: (options) =>
    Math.max(1, Math.round((0.7 * options.messages * 1000) / (options.faultMs + AFTER_FAULT_MS))),
  async inject(ctx) {
    const { system, options, stream, conversations, log } = ctx;
    const [a, b] = await homeFirst(ctx);
    const killed = Date.now();
    await a.kill();
    log(`region-down: ${a.regionId} killed; batches fail over to ${b.regionId}`);
    await sleep(options.faultMs);
    await a.start({ timeoutMs: options.deadlineMs });
    const back = Date.now();
    log(`region-down: ${a.regionId} back after ${back - killed} ms`);
    await stream.done;
    await backlogDrainMs(ctx, back);
    const acked = stream.sent.filter((s) => s.ack);
    const records = await messageRecords(
      system,
      new Set(acked.map((s) => recordKey(s.conversationId, s.ack!.seq))),
    );
    const figures = conversations.map((c) => {
      const seqs = acked
        .filter((s) => s.conversationId === c.id)
        .map((s) => s.ack!.seq)
        .sort((x, y) => x - y);
      const path = seqs.flatMap((seq) => {
        const first: MessageRecord | undefined = records.get(recordKey(c.id, seq))?.[0];
        return first ? [{ seq, ...first }] : [];
      });
      const switches = path.filter((r, i) => i > 0 && r.regionId !== path[i - 1]!.regionId).length;
      // The failover proper: batches on the other region while home was down.
      const away = path.find((r) => r.regionId === b.regionId && r.at >= killed && r.at <= back);
      const home = path.find((r) => r.regionId === a.regionId && r.at >= back);
      const movedAgain = home
        ? path.filter((r) => r.seq > home.seq && r.regionId !== a.regionId).length
        : 0;
      return { switches, away: away?.at, home: home?.at, movedAgain };
    });
    const returned = figures.filter((f) => f.home !== undefined);
    const failedOver = figures.filter((f) => f.away !== undefined);
    const failoverMs = Math.max(-1, ...failedOver.map((f) => f.away! - killed));
    const failbackMs = Math.max(0, ...returned.map((f) => f.home! - back));
    log(`region-down: ${returned.length}/${figures.length} conversations back on ${a.regionId}`);
    return {
      recoveryMs: returned.length === figures.length ? failbackMs : -1,
      detail: {
        failover_ms: failoverMs,
        conversations_failed_over: failedOver.length,
        conversations_returned: returned.length,
        conversations: figures.length,
        max_switches: Math.max(...figures.map((f) => f.switches)),
        moved_again: figures.reduce((sum, f) => sum + f.movedAgain, 0),
        down_ms: back - killed,
      },
    };
  },
};

/** The regions, the one that took this scenario's batches so far (their home) first. */
async function homeFirst(ctx: FaultContext): Promise<[RegionProcess, RegionProcess]> {
  const acked = ctx.stream.sent.filter((s) => s.ack);
  const records = await messageRecords(
    ctx.system,
    new Set(acked.map((s) => recordKey(s.conversationId, s.ack!.seq))),
  );
  const [first, second] = ctx.system.regions;
  const onFirst = [...records.values()].filter((list) => list[0]?.regionId === first.regionId);
  return onFirst.length * 2 >= records.size ? [first, second] : [second, first];
}
