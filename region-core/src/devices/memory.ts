// In-memory device registry and notification settings for ADAPTERS=embedded (npm start) and the contract tests.
import type { Device, NotificationSettings } from "@edge-chat/protocol";
import type { DeviceRepository, NotificationSettingsRepository } from "./ports.ts";

export function memoryDevices(): DeviceRepository {
  const byUser = new Map<string, Map<string, Device>>();
  return {
    async list(userId) {
      return [...(byUser.get(userId)?.values() ?? [])].map((device) => structuredClone(device));
    },
    async get(userId, deviceId) {
      const device = byUser.get(userId)?.get(deviceId);
      return device ? structuredClone(device) : undefined;
    },
    async put(device) {
      const devices = byUser.get(device.userId) ?? new Map<string, Device>();
      byUser.set(device.userId, devices);
      devices.set(device.deviceId, structuredClone(device));
    },
    async remove(userId, deviceId) {
      byUser.get(userId)?.delete(deviceId);
    },
  };
}

export function memoryNotificationSettings(): NotificationSettingsRepository {
  const byUser = new Map<string, NotificationSettings>();
  return {
    async get(userId) {
      const settings = byUser.get(userId);
      return settings ? structuredClone(settings) : undefined;
    },
    async put(userId, settings) {
      byUser.set(userId, structuredClone(settings));
    },
  };
}
