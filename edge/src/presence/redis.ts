// Presence in Redis through @upstash/redis (HTTP, so it works from Workers). Per user: a sorted set
// of device id → heartbeat expiry (members past their expiry are offline and trimmed on the next
// heartbeat; the whole key expires with the newest heartbeat), a last-seen timestamp, and a
// hidden flag. Every call is one pipelined round trip.
import type { UserId } from "@edge-chat/protocol";
import type { Redis } from "@upstash/redis";
import { type PresenceStore, presenceOf } from "./ports.ts";

const devicesKey = (userId: UserId) => `presence:devices:${userId}`;
const seenKey = (userId: UserId) => `presence:seen:${userId}`;
const hiddenKey = (userId: UserId) => `presence:hidden:${userId}`;
/** The users `userId` blocks (a set; mirrors the direct chats' blocks). */
const blocksKey = (userId: UserId) => `presence:blocks:${userId}`;
/** Last seen outlives presence by far, but not forever. */
const SEEN_TTL_SECONDS = 90 * 24 * 3600;

export function redisPresence(redis: Redis, ttlMs: number): PresenceStore {
  const touchSeen = (pipe: ReturnType<Redis["pipeline"]>, userId: UserId, now: number) =>
    // Last seen only moves forward, even if two devices' requests arrive out of order: a Lua
    // script would do it atomically, but a heartbeat per device per TTL/2 makes the race harmless.
    pipe.set(seenKey(userId), now, { ex: SEEN_TTL_SECONDS });
  return {
    async heartbeat(userId, deviceId, now) {
      const pipe = redis.pipeline();
      pipe.zadd(devicesKey(userId), { score: now + ttlMs, member: deviceId });
      pipe.zremrangebyscore(devicesKey(userId), "-inf", now);
      pipe.pexpire(devicesKey(userId), ttlMs);
      touchSeen(pipe, userId, now);
      await pipe.exec();
    },
    async signOff(userId, deviceId, now) {
      const pipe = redis.pipeline();
      pipe.zrem(devicesKey(userId), deviceId);
      touchSeen(pipe, userId, now);
      await pipe.exec();
    },
    async onlineDevices(userId, now) {
      return redis.zrange<string[]>(devicesKey(userId), `(${now}`, "+inf", { byScore: true });
    },
    async read(userIds, now, viewer) {
      if (userIds.length === 0) return [];
      const pipe = redis.pipeline();
      for (const userId of userIds) {
        pipe.zcount(devicesKey(userId), `(${now}`, "+inf");
        pipe.get<number>(seenKey(userId));
        pipe.exists(hiddenKey(userId));
        // Whether this user blocks the viewer, and (below) whom the viewer blocks: same round trip.
        if (viewer !== undefined) pipe.sismember(blocksKey(userId), viewer);
      }
      if (viewer !== undefined) pipe.smembers(blocksKey(viewer));
      const replies = await pipe.exec<unknown[]>();
      const per = viewer === undefined ? 3 : 4;
      const viewerBlocks = new Set(
        viewer === undefined ? [] : ((replies.at(-1) as string[] | null) ?? []).map(String),
      );
      return userIds.map((userId, i) => {
        const seen = replies[i * per + 1];
        const blocked =
          viewer !== undefined && (Number(replies[i * per + 3]) > 0 || viewerBlocks.has(userId));
        return presenceOf(userId, {
          online: Number(replies[i * per]) > 0,
          lastSeenAt: seen === null || seen === undefined ? undefined : Number(seen),
          hidden: Number(replies[i * per + 2]) > 0 || blocked,
        });
      });
    },
    async setBlocked(userId, peerId, blocked) {
      if (blocked) await redis.sadd(blocksKey(userId), peerId);
      else await redis.srem(blocksKey(userId), peerId);
    },
    async blockedAmong(userId, others) {
      if (others.length === 0) return new Set();
      const pipe = redis.pipeline();
      pipe.smembers(blocksKey(userId));
      for (const other of others) pipe.sismember(blocksKey(other), userId);
      const replies = await pipe.exec<unknown[]>();
      const mine = new Set(((replies[0] as string[] | null) ?? []).map(String));
      return new Set(others.filter((o, i) => mine.has(o) || Number(replies[i + 1]) > 0));
    },
    async setHidden(userId, hidden) {
      if (hidden) await redis.set(hiddenKey(userId), 1);
      else await redis.del(hiddenKey(userId));
    },
  };
}
