import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import type { Env } from "./env.ts";

const base = { JWT_ISSUER: "i", JWT_AUDIENCE: "a", JWT_JWKS_URL: "https://idp.example/jwks" };
const load = (vars: Record<string, string>) => loadConfig({ ...base, ...vars } as unknown as Env);
const region = {
  id: "eu-west",
  name: "EU",
  location: { lat: 50, lon: 8 },
  ingestUrl: "http://127.0.0.1:8788",
  historyUrl: "http://127.0.0.1:8788",
};

describe("config", () => {
  it("defaults to production with no dev secret, no regions and documented defaults", () => {
    const config = load({ JWT_DEV_SECRET: "x".repeat(40) });
    expect(config.development).toBe(false);
    expect(config.jwt.devSecret).toBeUndefined();
    expect(config.regions).toEqual([]);
    expect(config.windowSize).toBe(1000);
    expect(config.regionOutbox).toEqual({
      batchSize: 100,
      maxAgeMs: 0,
      failbackAfterMs: 10_000,
      failbackDrainMs: 2_000,
    });
    expect(config.rate.user).toEqual({ perSec: 20, burst: 40 });
  });

  it("reads the region catalog and defaults to its first region", () => {
    const config = load({ REGIONS: JSON.stringify([region]) });
    expect(config.regions.map((r) => r.id)).toEqual(["eu-west"]);
    expect(config.defaultRegionId).toBe("eu-west");
    const off = load({ REGIONS: "[]", DEFAULT_REGION: "eu-west" });
    expect(off.regions).toEqual([]);
    expect(off.defaultRegionId).toBeUndefined();
  });

  it("reads the region outbox's old OUTBOX_* names as deprecated aliases; the new name wins", () => {
    const old = load({
      OUTBOX_BATCH_SIZE: "7",
      OUTBOX_MAX_AGE_MS: "25",
      OUTBOX_FAILBACK_AFTER_MS: "0",
      OUTBOX_FAILBACK_DRAIN_MS: "300",
    });
    expect(old.regionOutbox).toEqual({
      batchSize: 7,
      maxAgeMs: 25,
      failbackAfterMs: undefined,
      failbackDrainMs: 300,
    });
    const both = load({ OUTBOX_BATCH_SIZE: "7", REGION_OUTBOX_BATCH_SIZE: "9" });
    expect(both.regionOutbox.batchSize).toBe(9);
    expect(() => load({ OUTBOX_BATCH_SIZE: "100000" })).toThrow(/REGION_OUTBOX_BATCH_SIZE/);
  });

  it("push: collapse window defaults to a minute, the webhook is optional and must be a URL", () => {
    expect(load({}).push).toEqual({ webhookUrl: undefined, collapseMs: 60_000 });
    expect(
      load({ PUSH_WEBHOOK_URL: "https://push.example/n", PUSH_COLLAPSE_MS: "0" }).push,
    ).toEqual({ webhookUrl: "https://push.example/n", collapseMs: 0 });
    expect(() => load({ PUSH_WEBHOOK_URL: "not a url" })).toThrow(/invalid configuration/);
  });

  it("refuses bad values loudly", () => {
    expect(() => load({ REGIONS: "not json" })).toThrow(/invalid configuration/);
    expect(() => load({ REGIONS: JSON.stringify([{ id: "x" }]) })).toThrow(/region catalog/);
    expect(() => load({ REGIONS: JSON.stringify([region]), DEFAULT_REGION: "mars" })).toThrow(
      /DEFAULT_REGION/,
    );
    expect(() => load({ WINDOW_SIZE: "10" })).toThrow();
    expect(() => load({ ENVIRONMENT: "staging" })).toThrow();
    expect(() => load({ JWT_JWKS_URL: "" })).toThrow();
    expect(() =>
      loadConfig({ JWT_ISSUER: "i", JWT_AUDIENCE: "a", ENVIRONMENT: "production" } as Env),
    ).toThrow(/JWT_JWKS/);
  });
});
