// In-memory device registry for ADAPTERS=embedded (npm start) and the contract tests.
import type { Device } from "@edge-chat/protocol";
import type { DeviceRepository } from "./ports.ts";

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
