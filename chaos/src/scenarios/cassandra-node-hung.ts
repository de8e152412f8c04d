// dc1's Cassandra node frozen (SIGSTOP) for CHAOS_FAULT_MS, then thawed: a hung node rather than a
// stopped one: connections stay open and nothing answers, so region A's writes time out instead of
// being refused. With one node per DC, dc1 has no quorum meanwhile. recovery_ms: thaw → everything
// acknowledged so far is in every DC.
import { backlogDrainMs, type Scenario, sleep } from "../scenario.ts";
import { pauseService } from "../services.ts";

export const cassandraNodeHung: Scenario = {
  name: "cassandra-node-hung",
  summary: "freeze dc1's node (SIGSTOP), thaw it; recovery_ms = thaw → backlog in every DC",
  async inject(ctx) {
    const { options, log } = ctx;
    pauseService("cassandra:node1", true);
    log("cassandra-node-hung: node1 (dc1) frozen");
    try {
      await sleep(options.faultMs);
    } finally {
      pauseService("cassandra:node1", false);
    }
    return { recoveryMs: await backlogDrainMs(ctx, Date.now()) };
  },
};
