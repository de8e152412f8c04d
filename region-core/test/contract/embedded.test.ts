// The contract suites against the embedded stand-ins (ADAPTERS=embedded).
import { randomUUID } from "node:crypto";
import { memoryDevices, memoryNotificationSettings } from "../../src/devices/memory.ts";
import { EmbeddedLog } from "../../src/events/embedded-log.ts";
import { memoryRepositories } from "../../src/repositories/memory.ts";
import { devicesContract } from "./devices.contract.ts";
import { eventLogContract } from "./event-log.contract.ts";
import { repositoryContract } from "./repositories.contract.ts";
import { messageChangesContract } from "./message-changes.contract.ts";

repositoryContract("in-memory", memoryRepositories);
devicesContract("in-memory", () => ({
  devices: memoryDevices(),
  settings: memoryNotificationSettings(),
}));
messageChangesContract("in-memory", memoryRepositories);

eventLogContract("embedded log", () => {
  const log = new EmbeddedLog({ partitions: 4, maxBatchRecords: 3 });
  return {
    topic: async () => `t-${randomUUID()}`,
    publisher: (topic) => log.publisher(topic),
    consumer: (topic, groupId) => log.consumer(topic, groupId),
  };
});
