// Presence and last seen as everyone else reads them: per device, a heartbeat keeps it online until
// `ttlMs` after the last one (so a crashed device drops offline within one TTL); a user is online
// while any device is; last seen is the newest heartbeat or sign-off. A user who hides last seen is
// shown to others as neither online nor with a last-seen time, and so is anyone to a user they
// block or are blocked by (a mirror of the direct chats' blocks, kept here so one pipelined read
// answers for a whole group; the ConversationDO stays the authority on blocking). Redis in production (redis.ts), an
// in-isolate map for `npm start` (memory.ts); both pass the same contract tests.
import type { Presence, UserId } from "@edge-chat/protocol";

export interface PresenceStore {
  /** A device of `userId` is connected (any socket) as of `now`. */
  heartbeat(userId: UserId, deviceId: string, now: number): Promise<void>;
  /** A device signed off cleanly: offline at once instead of after the TTL. */
  signOff(userId: UserId, deviceId: string, now: number): Promise<void>;
  /** Devices of `userId` with a live heartbeat (the push hook: these get no push). */
  onlineDevices(userId: UserId, now: number): Promise<string[]>;
  /**
   * Presence of each user as others see it (hidden users show as offline, without last seen); with
   * `viewer`, also hidden between the viewer and anyone they block or are blocked by.
   */
  read(userIds: readonly UserId[], now: number, viewer?: UserId): Promise<Presence[]>;
  setHidden(userId: UserId, hidden: boolean): Promise<void>;
  /** `userId` blocks (or unblocks) `peerId`: a mirror of the direct chat's block. */
  setBlocked(userId: UserId, peerId: UserId, blocked: boolean): Promise<void>;
  /** Those of `others` who block `userId` or whom `userId` blocks. */
  blockedAmong(userId: UserId, others: readonly UserId[]): Promise<Set<UserId>>;
}

/** Pure: what a blocked (or blocking) viewer sees of someone: the same as a hidden user. */
export const blockedPresence = (userId: UserId): Presence => ({ userId, online: false });

/** Pure: what others see, from the raw facts. */
export function presenceOf(
  userId: UserId,
  facts: { online: boolean; lastSeenAt: number | undefined; hidden: boolean },
): Presence {
  if (facts.hidden) return { userId, online: false };
  const presence: Presence = { userId, online: facts.online };
  if (!facts.online && facts.lastSeenAt !== undefined) presence.lastSeenAt = facts.lastSeenAt;
  return presence;
}
