// The device registry's storage ports: one user's devices, small (a phone and a few companions), so
// every operation reads or writes the user's whole set by user id. The limit check is pure
// (devices/limits.ts); adapters only store.
import type { Device, DeviceId, NotificationSettings, UserId } from "@edge-chat/protocol";

export interface DeviceRepository {
  list(userId: UserId): Promise<Device[]>;
  get(userId: UserId, deviceId: DeviceId): Promise<Device | undefined>;
  put(device: Device): Promise<void>;
  remove(userId: UserId, deviceId: DeviceId): Promise<void>;
}

/** One document per user: previews, do not disturb, muted conversations. */
export interface NotificationSettingsRepository {
  /** Undefined when the user never saved any (the defaults apply). */
  get(userId: UserId): Promise<NotificationSettings | undefined>;
  put(userId: UserId, settings: NotificationSettings): Promise<void>;
}
