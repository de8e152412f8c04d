// One Cassandra node (dc1's first, the datacenter region A writes to at LOCAL_QUORUM) stopped for
// CHAOS_FAULT_MS and started again. With one node per DC, dc1 has no quorum meanwhile: region A's
// persister retries and commits no offset until the node is back; region B and the edge go on.
// recovery_ms: node healthy again → everything acknowledged so far is in every DC.
import { startService, stopService } from "../services.ts";
import { backlogDrainMs, type Scenario, sleep } from "../scenario.ts";

export const cassandraNodeDown: Scenario = {
  name: "cassandra-node-down",
  summary: "stop dc1's node, start it again; recovery_ms = node back → backlog in every DC",
  slow: true,
  async inject(ctx) {
    const { options, log } = ctx;
    await stopService("cassandra:node1");
    log("cassandra-node-down: node1 (dc1) stopped");
    await sleep(options.faultMs);
    const starting = Date.now();
    await startService("cassandra:node1");
    const back = Date.now();
    log(`cassandra-node-down: node1 back in ${back - starting} ms`);
    const drainMs = await backlogDrainMs(ctx, back);
    return { recoveryMs: drainMs, detail: { node_start_ms: back - starting } };
  },
};
