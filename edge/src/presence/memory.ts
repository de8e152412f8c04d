// The embedded presence store: a map in this isolate. Right for `npm start` (one wrangler dev
// process); in production every isolate would have its own, which is why production sets Redis.
import type { UserId } from "@edge-chat/protocol";
import { type PresenceStore, presenceOf } from "./ports.ts";

export function memoryPresence(ttlMs: number): PresenceStore {
  const devices = new Map<UserId, Map<string, number>>();
  const lastSeen = new Map<UserId, number>();
  const hidden = new Set<UserId>();
  const blocks = new Map<UserId, Set<UserId>>();
  const blockedAmong = (userId: UserId, others: readonly UserId[]) =>
    new Set(
      others.filter((o) => blocks.get(userId)?.has(o) === true || blocks.get(o)?.has(userId)),
    );
  const live = (userId: UserId, now: number) =>
    [...(devices.get(userId) ?? new Map<string, number>())].filter(([, until]) => until > now);
  return {
    async heartbeat(userId, deviceId, now) {
      const mine = devices.get(userId) ?? new Map<string, number>();
      mine.set(deviceId, now + ttlMs);
      devices.set(userId, mine);
      lastSeen.set(userId, Math.max(lastSeen.get(userId) ?? 0, now));
    },
    async signOff(userId, deviceId, now) {
      devices.get(userId)?.delete(deviceId);
      lastSeen.set(userId, Math.max(lastSeen.get(userId) ?? 0, now));
    },
    async onlineDevices(userId, now) {
      return live(userId, now).map(([deviceId]) => deviceId);
    },
    async read(userIds, now, viewer) {
      const blocked = viewer === undefined ? new Set<UserId>() : blockedAmong(viewer, userIds);
      return userIds.map((userId) =>
        presenceOf(userId, {
          online: live(userId, now).length > 0,
          lastSeenAt: lastSeen.get(userId),
          hidden: hidden.has(userId) || blocked.has(userId),
        }),
      );
    },
    async setBlocked(userId, peerId, value) {
      const mine = blocks.get(userId) ?? new Set<UserId>();
      if (value) mine.add(peerId);
      else mine.delete(peerId);
      blocks.set(userId, mine);
    },
    async blockedAmong(userId, others) {
      return blockedAmong(userId, others);
    },
    async setHidden(userId, value) {
      if (value) hidden.add(userId);
      else hidden.delete(userId);
    },
  };
}
