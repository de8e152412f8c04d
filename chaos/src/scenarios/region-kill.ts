// region-core SIGKILLed mid-batch (ingest and persister in one process: no draining, no offset
// commit) and restarted at once, as a supervisor would. recovery_ms: restart → ingest answering;
// consumer_ms: restart → the persister has rejoined its group (the dead member's session must
// expire first).
import { msUntil, type Scenario } from "../scenario.ts";

export const regionKill: Scenario = {
  name: "region-kill",
  summary: "SIGKILL region A mid-stream, restart it; recovery_ms = restart → ingest accepting",
  async inject({ system, options, log }) {
    const region = system.regions[0];
    await region.kill();
    log("region-kill: region A killed, restarting");
    const restarted = Date.now();
    await region.start({ timeoutMs: options.deadlineMs });
    const ingestMs = Date.now() - restarted;
    const consumerMs = await msUntil(
      restarted,
      async () => {
        const health = (await (await fetch(`${region.url}/health`)).json()) as {
          consumer?: string;
        };
        // A region-core that does not report it ("off" or absent) serves only once joined.
        return health.consumer !== "joining";
      },
      "region A's persister to rejoin",
      options.deadlineMs,
    );
    return { recoveryMs: ingestMs, detail: { consumer_ms: consumerMs } };
  },
};
