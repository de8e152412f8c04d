// The device registry and notification settings on Cassandra (cql's 0008): one small partition per
// user for devices, one row per user for settings, each value a protocol JSON document validated on
// read (a row that no longer parses is skipped rather than failing every push for that user).
import { DEVICES_BY_USER as D, NOTIFICATION_SETTINGS as N, TABLES } from "@edge-chat/cql";
import { Device, NotificationSettings } from "@edge-chat/protocol";
import type { Session } from "../repositories/cassandra/session.ts";
import type { DeviceRepository, NotificationSettingsRepository } from "./ports.ts";

function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  text: unknown,
): T | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export function cassandraDevices(session: Session): DeviceRepository {
  const table = `${session.keyspace}.${TABLES.devicesByUser}`;
  return {
    async list(userId) {
      const result = await session.execute(
        `SELECT ${D.device} FROM ${table} WHERE ${D.userId} = ?`,
        [userId],
        { fetchSize: 100 },
      );
      return result.rows.flatMap((row) => parsed(Device, row[D.device]) ?? []);
    },
    async get(userId, deviceId) {
      const result = await session.execute(
        `SELECT ${D.device} FROM ${table} WHERE ${D.userId} = ? AND ${D.deviceId} = ?`,
        [userId, deviceId],
      );
      return parsed(Device, result.first()?.[D.device]);
    },
    async put(device) {
      await session.execute(
        `INSERT INTO ${table} (${D.userId}, ${D.deviceId}, ${D.device}) VALUES (?, ?, ?)`,
        [device.userId, device.deviceId, JSON.stringify(device)],
      );
    },
    async remove(userId, deviceId) {
      await session.execute(`DELETE FROM ${table} WHERE ${D.userId} = ? AND ${D.deviceId} = ?`, [
        userId,
        deviceId,
      ]);
    },
  };
}

export function cassandraNotificationSettings(session: Session): NotificationSettingsRepository {
  const table = `${session.keyspace}.${TABLES.notificationSettings}`;
  return {
    async get(userId) {
      const result = await session.execute(
        `SELECT ${N.settings} FROM ${table} WHERE ${N.userId} = ?`,
        [userId],
      );
      return parsed(NotificationSettings, result.first()?.[N.settings]);
    },
    async put(userId, settings) {
      await session.execute(`INSERT INTO ${table} (${N.userId}, ${N.settings}) VALUES (?, ?)`, [
        userId,
        JSON.stringify(settings),
      ]);
    },
  };
}
