// Every client socket dropped at once (a network blip at the clients' side) while messages are in
// flight: each session reconnects with a fresh ticket, replays from its last seq and resends what
// was not acknowledged. recovery_ms: drop → every session open again.
import { dropAllSockets } from "../members.ts";
import { type Scenario, sessionsReopenMs } from "../scenario.ts";

export const reconnectStorm: Scenario = {
  name: "reconnect-storm",
  summary: "drop every client socket at once; recovery_ms = drop → every session open",
  async inject(ctx) {
    const dropped = Date.now();
    const count = dropAllSockets();
    ctx.log(`reconnect-storm: ${count} sockets dropped`);
    const recoveryMs = await sessionsReopenMs(ctx, dropped);
    return { recoveryMs, detail: { sockets: count } };
  },
};
