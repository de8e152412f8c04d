// The message records on every region's topic of a chaos run (@edge-chat/e2e's reader): which
// region's ingest published each (conversation, seq), and when. Used for the lag's first stage and
// to see where a conversation's batches went across a failover and failback.
import { type MessageRecord, messageRecords as readRecords, recordKey } from "@edge-chat/e2e";
import type { ChaosSystem } from "./system.ts";

export { type MessageRecord, recordKey };

/** The records of the `wanted` messages by recordKey, oldest first (see @edge-chat/e2e). */
export function messageRecords(
  system: ChaosSystem,
  wanted: ReadonlySet<string>,
): Promise<Map<string, MessageRecord[]>> {
  return readRecords(
    {
      brokers: system.services.kafka.brokers,
      topics: new Map(
        system.regions.map((r) => [system.storage.topics(r.regionId).topic, r.regionId]),
      ),
      groupPrefix: system.storage.runId,
    },
    wanted,
  );
}
