// Smoke: @upstash/redis (defaults: auto-pipelining, base64 responses) against the REST proxy.
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { Redis as DirectRedis } from "ioredis";
import { describe, expect, inject, it } from "vitest";

const services = inject("services");

describe("upstash REST proxy", () => {
  const redis = new Redis({ url: services.upstash.url, token: services.upstash.token });

  it("sets and gets values through the REST API", async () => {
    const key = `smoke:${randomUUID()}`;
    expect(await redis.set(key, "héllo wörld", { ex: 60 })).toBe("OK");
    expect(await redis.get(key)).toBe("héllo wörld");
    await redis.set(`${key}:json`, { a: 1, b: ["x"] });
    expect(await redis.get(`${key}:json`)).toEqual({ a: 1, b: ["x"] });
  });

  it("runs auto-pipelined commands concurrently and in order", async () => {
    const key = `smoke:${randomUUID()}`;
    const results = await Promise.all([
      redis.incr(key),
      redis.incr(key),
      redis.incr(key),
      redis.get(key),
    ]);
    expect(results).toEqual([1, 2, 3, 3]);
  });

  it("runs a transaction", async () => {
    const key = `smoke:${randomUUID()}`;
    const tx = redis.multi();
    tx.set(key, "a");
    tx.append(key, "b");
    tx.get(key);
    expect(await tx.exec()).toEqual(["OK", 2, "ab"]);
  });

  it("returns Redis errors as errors", async () => {
    const key = `smoke:${randomUUID()}`;
    await redis.set(key, "not a number");
    await expect(redis.incr(key)).rejects.toThrow(/not an integer/);
  });

  it("keeps serving other requests while a blocking command waits", async () => {
    const key = `smoke:${randomUUID()}`;
    const popped = redis.exec<[string, string] | null>(["BLPOP", key, 60]);
    // Wait (on Redis itself) until the BLPOP really blocks, then push through the proxy.
    const direct = new DirectRedis(services.redis.url);
    try {
      await expect
        .poll(async () => /blocked_clients:([1-9])/.test(await direct.info("clients")), {
          timeout: 30_000,
        })
        .toBe(true);
    } finally {
      direct.disconnect();
    }
    expect(await redis.rpush(key, "x")).toBe(1);
    expect(await popped).toEqual([key, "x"]);
  });

  it("refuses a wrong token with 401", async () => {
    const wrong = new Redis({ url: services.upstash.url, token: "wrong-token-123" });
    await expect(wrong.get("anything")).rejects.toThrow();
    const res = await fetch(services.upstash.url, {
      method: "POST",
      headers: { authorization: "Bearer wrong-token-123" },
      body: JSON.stringify(["GET", "anything"]),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Unauthorized" });
  });
});
