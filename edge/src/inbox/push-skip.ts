// Which of a user's devices a push can leave out: those connected right now (a presence heartbeat
// from any socket: they get the message on it) and those whose own delivered watermark in the
// conversation already covers the push (they received it before they went away). Pure.
import type { PushNotification } from "@edge-chat/protocol";

/** PushNotification's and PushEvent's cap on skipped devices; beyond it a device is pushed. */
const MAX_SKIPPED = 64;

export function devicesToSkip(
  connected: readonly string[],
  deliveredByDevice: Readonly<Record<string, number>>,
  push: Pick<PushNotification, "lastSeq">,
): string[] {
  const skip = new Set(connected);
  for (const [deviceId, upTo] of Object.entries(deliveredByDevice)) {
    if (upTo >= push.lastSeq) skip.add(deviceId);
  }
  return [...skip].slice(0, MAX_SKIPPED);
}
