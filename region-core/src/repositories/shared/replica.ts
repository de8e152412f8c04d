// What one replica of the shared embedded store holds: the message repositories and the device
// registry with its notification settings, all in memory. Every embedded region reads and writes
// the same replica set, so a device registered through one region is pushed by another, as with
// one Cassandra cluster.
import { MemoryDevices, MemoryNotificationSettings } from "../../devices/memory.ts";
import type { DeviceRepository, NotificationSettingsRepository } from "../../devices/ports.ts";
import { memoryRepositories } from "../memory.ts";
import type { Repositories } from "../ports.ts";

export interface StoreReplica extends Repositories {
  devices: DeviceRepository;
  notificationSettings: NotificationSettingsRepository;
}

export function storeReplica(): StoreReplica {
  return {
    ...memoryRepositories(),
    devices: new MemoryDevices(),
    notificationSettings: new MemoryNotificationSettings(),
  };
}
