// In-memory device registry and notification settings for ADAPTERS=embedded (npm start) and the
// contract tests. Classes, so the shared embedded store (repositories/shared) can read their methods
// off the prototype and serve one registry to every embedded region.
import type { Device, NotificationSettings } from "@edge-chat/protocol";
import type { DeviceRepository, NotificationSettingsRepository } from "./ports.ts";

export class MemoryDevices implements DeviceRepository {
  readonly #byUser = new Map<string, Map<string, Device>>();
  async list(userId: string): Promise<Device[]> {
    return [...(this.#byUser.get(userId)?.values() ?? [])].map((device) => structuredClone(device));
  }
  async get(userId: string, deviceId: string): Promise<Device | undefined> {
    const device = this.#byUser.get(userId)?.get(deviceId);
    return device ? structuredClone(device) : undefined;
  }
  async put(device: Device): Promise<void> {
    const devices = this.#byUser.get(device.userId) ?? new Map<string, Device>();
    this.#byUser.set(device.userId, devices);
    devices.set(device.deviceId, structuredClone(device));
  }
  async remove(userId: string, deviceId: string): Promise<void> {
    this.#byUser.get(userId)?.delete(deviceId);
  }
}

export class MemoryNotificationSettings implements NotificationSettingsRepository {
  readonly #byUser = new Map<string, NotificationSettings>();
  async get(userId: string): Promise<NotificationSettings | undefined> {
    const settings = this.#byUser.get(userId);
    return settings ? structuredClone(settings) : undefined;
  }
  async put(userId: string, settings: NotificationSettings): Promise<void> {
    this.#byUser.set(userId, structuredClone(settings));
  }
}

export const memoryDevices = (): DeviceRepository => new MemoryDevices();
export const memoryNotificationSettings = (): NotificationSettingsRepository =>
  new MemoryNotificationSettings();
