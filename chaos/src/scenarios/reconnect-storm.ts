// Every client socket dropped at once (a network blip at the clients' side) while messages are in
// flight: each session reconnects with a fresh ticket, replays from its last seq and resends what
// was not acknowledged. recovery_ms: drop → every session open again.
import { dropAllSockets } from "../members.ts";
import { msUntil, type Scenario } from "../scenario.ts";

export const reconnectStorm: Scenario = {
  name: "reconnect-storm",
  summary: "drop every client socket at once; recovery_ms = drop → every session open",
  async inject({ options, conversations, log }) {
    const dropped = Date.now();
    const count = dropAllSockets();
    log(`reconnect-storm: ${count} sockets dropped`);
    // The SDK notices the close asynchronously: first wait for it to leave "open"…
    await msUntil(
      dropped,
      () => conversations.some((c) => c.members.some((m) => m.session.state !== "open")),
      "the drop to be noticed",
      options.deadlineMs,
      10,
    ).catch(() => 0);
    const recoveryMs = await msUntil(
      dropped,
      () => conversations.every((c) => c.members.every((m) => m.session.state === "open")),
      "every session to reopen",
      options.deadlineMs,
      20,
    );
    return { recoveryMs, detail: { sockets: count } };
  },
};
