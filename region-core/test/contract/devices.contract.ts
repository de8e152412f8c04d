// The device registry and notification settings contract, run against memory and Cassandra:
// per-user isolation, put as upsert, remove, credentials kept intact, and settings round trips.
import { randomUUID } from "node:crypto";
import type { Device } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import type { DeviceRepository, NotificationSettingsRepository } from "../../src/devices/ports.ts";

const device = (userId: string, name: string): Device => ({
  deviceId: randomUUID(),
  userId,
  name,
  role: "companion",
  push: {
    platform: "web",
    subscription: {
      endpoint: `https://push.example/${randomUUID()}`,
      keys: { p256dh: `B${"x".repeat(86)}`, auth: "y".repeat(22) },
    },
  },
  createdAt: 1_700_000_000_000,
  lastActiveAt: 1_700_000_000_500,
});

export function devicesContract(
  name: string,
  make: () => { devices: DeviceRepository; settings: NotificationSettingsRepository },
): void {
  describe(`device registry contract: ${name}`, () => {
    it("stores each user's devices apart, upserts, removes", async () => {
      const { devices } = make();
      const bob = `bob-${randomUUID()}`;
      const eve = `eve-${randomUUID()}`;
      const phone = { ...device(bob, "phone"), role: "phone" as const };
      const tab = device(bob, "tab");
      await devices.put(phone);
      await devices.put(tab);
      await devices.put(device(eve, "eve's"));
      const byId = (list: Device[]) => [...list].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
      expect(byId(await devices.list(bob))).toEqual(byId([phone, tab]));
      expect(await devices.get(bob, tab.deviceId)).toEqual(tab);
      expect(await devices.get(eve, tab.deviceId)).toBeUndefined();

      await devices.put({ ...tab, name: "renamed" });
      expect((await devices.get(bob, tab.deviceId))?.name).toBe("renamed");
      await devices.remove(bob, tab.deviceId);
      expect(await devices.list(bob)).toEqual([phone]);
      await devices.remove(bob, tab.deviceId);
      expect(await devices.list(`nobody-${randomUUID()}`)).toEqual([]);
    });

    it("round-trips notification settings per user", async () => {
      const { settings } = make();
      const bob = `bob-${randomUUID()}`;
      expect(await settings.get(bob)).toBeUndefined();
      const doc = {
        previews: false,
        doNotDisturb: { until: 1_800_000_000_000 },
        muted: { "g:team": {}, "d:alice:bob": { until: 5 } },
      };
      await settings.put(bob, doc);
      expect(await settings.get(bob)).toEqual(doc);
      await settings.put(bob, { previews: true, muted: {} });
      expect(await settings.get(bob)).toEqual({ previews: true, muted: {} });
    });
  });
}
