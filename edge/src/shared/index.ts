// The state the edge shares across Durable Objects and isolates, built once per configuration:
// presence and the global rate limiters, on Redis (Upstash REST) when UPSTASH_REDIS_REST_URL is
// set, else on in-isolate stand-ins so `npm start` needs no Redis.
import { Redis } from "@upstash/redis";
import type { Config } from "../config.ts";
import { memoryPresence } from "../presence/memory.ts";
import type { PresenceStore } from "../presence/ports.ts";
import { redisPresence } from "../presence/redis.ts";
import { memoryLimiter } from "../ratelimit/memory.ts";
import type { GlobalLimiter } from "../ratelimit/ports.ts";
import { upstashLimiter } from "../ratelimit/upstash.ts";

export interface SharedState {
  presence: PresenceStore;
  userLimiter: GlobalLimiter;
  ipLimiter: GlobalLimiter;
}

// Keyed by the settings that shape the state, not by the Config object: the Worker and each
// Durable Object get their own `env` (so their own Config), yet in-isolate stand-ins must be one
// store for all of them, or a block or heartbeat written by the Worker is unseen by an InboxDO.
const built = new Map<string, SharedState>();

export function sharedStateFor(config: Config): SharedState {
  const key = JSON.stringify([config.redis ?? null, config.presenceTtlMs, config.globalRate]);
  let state = built.get(key);
  if (state) return state;
  const { user, ip, timeoutMs } = config.globalRate;
  if (config.redis) {
    // Auto-pipelining batches concurrent commands of one request into one HTTP round trip.
    const redis = new Redis({
      url: config.redis.url,
      token: config.redis.token,
      enableTelemetry: false,
    });
    state = {
      presence: redisPresence(redis, config.presenceTtlMs),
      userLimiter: upstashLimiter(redis, { ...user, prefix: "rl:user", timeoutMs }),
      ipLimiter: upstashLimiter(redis, { ...ip, prefix: "rl:ip", timeoutMs }),
    };
  } else {
    state = {
      presence: memoryPresence(config.presenceTtlMs),
      userLimiter: memoryLimiter(user),
      ipLimiter: memoryLimiter(ip),
    };
  }
  built.set(key, state);
  return state;
}
