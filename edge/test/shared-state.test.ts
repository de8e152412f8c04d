// The contract of presence and of the global limiter, run against the embedded stand-ins and
// against the real Redis through the harness's Upstash REST endpoint (@upstash/redis and
// @upstash/ratelimit from inside workerd): expiry after the TTL, sign-off, last seen, the hidden
// flag, the push hook's online devices, and a sliding window that refuses with a Retry-After, keeps
// other identifiers unaffected, and fails open when Redis does not answer in time.
import { Redis } from "@upstash/redis";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { memoryPresence } from "../src/presence/memory.ts";
import type { PresenceStore } from "../src/presence/ports.ts";
import { redisPresence } from "../src/presence/redis.ts";
import { memoryLimiter } from "../src/ratelimit/memory.ts";
import type { GlobalLimiter, WindowLimit } from "../src/ratelimit/ports.ts";
import { upstashLimiter } from "../src/ratelimit/upstash.ts";

const run = crypto.randomUUID().slice(0, 8);
let n = 0;
const user = () => `u${++n}-${run}`;

function presenceContract(name: string, make: (ttlMs: number) => PresenceStore): void {
  describe(`presence contract: ${name}`, () => {
    it("is online while a device's heartbeat is fresh and offline a TTL after it", async () => {
      const store = make(60_000);
      const a = user();
      const t0 = Date.now();
      await store.heartbeat(a, "phone", t0);
      expect(await store.read([a], t0 + 1)).toEqual([{ userId: a, online: true }]);
      expect(await store.onlineDevices(a, t0 + 1)).toEqual(["phone"]);
      // A crashed device sends nothing more: a TTL later it is offline, last seen at its last beat.
      expect(await store.read([a], t0 + 60_001)).toEqual([
        { userId: a, online: false, lastSeenAt: t0 },
      ]);
      expect(await store.onlineDevices(a, t0 + 60_001)).toEqual([]);
    });

    it("tracks devices separately; sign-off is immediate; unknown users are offline", async () => {
      const store = make(60_000);
      const a = user();
      const t0 = Date.now();
      await store.heartbeat(a, "phone", t0);
      await store.heartbeat(a, "laptop", t0 + 10);
      expect((await store.onlineDevices(a, t0 + 20)).sort()).toEqual(["laptop", "phone"]);
      await store.signOff(a, "laptop", t0 + 30);
      expect(await store.onlineDevices(a, t0 + 40)).toEqual(["phone"]);
      await store.signOff(a, "phone", t0 + 50);
      const nobody = user();
      expect(await store.read([a, nobody], t0 + 60)).toEqual([
        { userId: a, online: false, lastSeenAt: t0 + 50 },
        { userId: nobody, online: false },
      ]);
    });

    it("hides online state and last seen for a user who turned last seen off", async () => {
      const store = make(60_000);
      const a = user();
      const t0 = Date.now();
      await store.heartbeat(a, "phone", t0);
      await store.setHidden(a, true);
      expect(await store.read([a], t0 + 1)).toEqual([{ userId: a, online: false }]);
      // The push hook still knows the device is connected.
      expect(await store.onlineDevices(a, t0 + 1)).toEqual(["phone"]);
      await store.setHidden(a, false);
      expect(await store.read([a], t0 + 1)).toEqual([{ userId: a, online: true }]);
    });

    it("hides presence both ways between a blocker and the blocked, from them only", async () => {
      const store = make(60_000);
      const [a, b, c] = [user(), user(), user()];
      const t0 = Date.now();
      for (const u of [a, b, c]) await store.heartbeat(u, "phone", t0);
      await store.setBlocked(a, b, true);
      const online = (u: string) => ({ userId: u, online: true });
      const hidden = (u: string) => ({ userId: u, online: false });
      expect(await store.read([a, c], t0 + 1, b)).toEqual([hidden(a), online(c)]);
      expect(await store.read([b, c], t0 + 1, a)).toEqual([hidden(b), online(c)]);
      expect(await store.read([a, b], t0 + 1, c)).toEqual([online(a), online(b)]);
      expect(await store.read([a], t0 + 1)).toEqual([online(a)]);
      expect([...(await store.blockedAmong(b, [a, c]))]).toEqual([a]);
      expect([...(await store.blockedAmong(a, [b, c]))]).toEqual([b]);
      await store.setBlocked(a, b, false);
      expect(await store.read([a], t0 + 1, b)).toEqual([online(a)]);
      expect((await store.blockedAmong(a, [b])).size).toBe(0);
    });
  });
}

function limiterContract(name: string, make: (limit: WindowLimit) => GlobalLimiter): void {
  describe(`global limiter contract: ${name}`, () => {
    it("allows the window's tokens, then refuses with a Retry-After; others are unaffected", async () => {
      const limiter = make({ tokens: 5, windowMs: 60_000 });
      const flooder = user();
      const results = [];
      for (let i = 0; i < 8; i++) results.push(await limiter.limit(flooder, Date.now()));
      expect(results.map((r) => r.success)).toEqual([
        true,
        true,
        true,
        true,
        true,
        false,
        false,
        false,
      ]);
      for (const refused of results.slice(5)) {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      }
      expect((await limiter.limit(user(), Date.now())).success).toBe(true);
    });
  });
}

presenceContract("embedded", (ttl) => memoryPresence(ttl));
limiterContract("embedded", (limit) => memoryLimiter(limit));

const redis = new Redis({
  url: env.TEST_UPSTASH_URL,
  token: env.TEST_UPSTASH_TOKEN,
  enableTelemetry: false,
});
presenceContract("redis", (ttl) => redisPresence(redis, ttl));
limiterContract("redis", (limit) =>
  upstashLimiter(redis, { ...limit, prefix: `rl-test-${run}`, timeoutMs: 5_000 }),
);

describe("global limiter on an unreachable Redis", () => {
  it("fails open after its timeout", async () => {
    // Nothing listens on port 9 (discard) of loopback: every request fails or hangs.
    const dead = new Redis({
      url: "http://127.0.0.1:9",
      token: "x",
      enableTelemetry: false,
      retry: false,
    });
    const limiter = upstashLimiter(dead, {
      tokens: 1,
      windowMs: 60_000,
      prefix: "dead",
      timeoutMs: 200,
    });
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await limiter.limit("someone", Date.now()).catch(() => null));
    expect(results.every((r) => r?.success === true)).toBe(true);
  });
});
