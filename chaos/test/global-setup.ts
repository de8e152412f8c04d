// Starts (or reuses) the chaos suite's own Cassandra and Kafka before its tests; leaves them
// running for the next run, as the shared harness does.
import { chaosServices } from "../src/services.ts";

export default async function setup(): Promise<void> {
  await chaosServices();
}
