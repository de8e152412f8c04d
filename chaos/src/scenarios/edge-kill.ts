// The edge's workerd SIGKILLed mid-stream (no chance to flush anything; what was acknowledged is
// only in the Durable Objects' storage on disk) and started again on the same port and storage.
// The SDK reconnects and resends what was not acknowledged. recovery_ms: restart → every session
// open again.
import { msUntil, type Scenario } from "../scenario.ts";

export const edgeKill: Scenario = {
  name: "edge-kill",
  summary: "SIGKILL workerd, start it again; recovery_ms = restart → every session open",
  async inject({ system, options, conversations, log }) {
    const killed = await system.edge.kill();
    log(`edge-kill: ${killed} workerd process(es) killed, restarting`);
    const restarting = Date.now();
    await system.edge.start();
    const edgeMs = Date.now() - restarting;
    const recoveryMs = await msUntil(
      restarting,
      () => conversations.every((c) => c.members.every((m) => m.session.state === "open")),
      "every session to reopen",
      options.deadlineMs,
    );
    return { recoveryMs, detail: { edge_start_ms: edgeMs } };
  },
};
