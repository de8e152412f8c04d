// @edge-chat/e2e: the harness that runs the deployables together for real (regions as processes with
// Kafka and Cassandra, the edge Worker in workerd, SDK users), shared by e2e tests and bench.
export {
  type CfProperties,
  type EdgeOptions,
  type RunningEdge,
  startEdge,
  UNLIMITED_RATES,
} from "./edge.ts";
export { startWorkerDirect } from "./direct-worker.ts";
export {
  countDelta,
  type GeoClient,
  GeoEdge,
  ingestedEvents,
  PLACES,
} from "./geo-clients.ts";
export { type ServiceKeys, serviceKeys } from "./keys.ts";
export {
  type MessageRecord,
  messageRecords,
  type RecordSource,
  recordKey,
} from "./message-records.ts";
export { freePort, until } from "./ports.ts";
export { RegionProcess, type RegionProcessOptions } from "./region.ts";
export { RegionApi } from "./region-api.ts";
export { createRunStorage, type RunStorage, type StoredRow } from "./schema.ts";
export { type System, type SystemOptions, startSystem } from "./system.ts";
export { type ChatUser, chatUser } from "./users.ts";
