// Smoke: @upstash/redis (defaults: auto-pipelining, base64 responses) against the REST proxy.
import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
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
