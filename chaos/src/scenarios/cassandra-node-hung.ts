// dc1's Cassandra node frozen (SIGSTOP) for CHAOS_FAULT_MS, then thawed: a hung node rather than a
// stopped one: connections stay open and nothing answers, so region A's writes time out instead of
// being refused. With one node per DC, dc1 has no quorum meanwhile. recovery_ms: thaw → everything
// acknowledged so far is in every DC.
import { msUntil, type Scenario, sleep } from "../scenario.ts";
import { pauseService } from "../services.ts";
import { allStored } from "../verify.ts";

export const cassandraNodeHung: Scenario = {
  name: "cassandra-node-hung",
  summary: "freeze dc1's node (SIGSTOP), thaw it; recovery_ms = thaw → backlog in every DC",
  async inject({ system, options, conversations, stream, log }) {
    pauseService("cassandra:node1", true);
    log("cassandra-node-hung: node1 (dc1) frozen");
    try {
      await sleep(options.faultMs);
    } finally {
      pauseService("cassandra:node1", false);
    }
    const thawed = Date.now();
    const ackedByThen = stream.sent.filter((s) => s.ack);
    const drainMs = await msUntil(
      thawed,
      () => allStored(system, conversations, ackedByThen),
      "the backlog to reach every DC",
      options.deadlineMs,
      250,
    );
    return { recoveryMs: drainMs };
  },
};
