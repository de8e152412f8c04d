// The one region call loop, with attempts that succeed or fail on command (no network): ranking,
// failover, verdicts, breaker state carried between calls by the store, and the sticky region.
import type { RouterState } from "@edge-chat/geo-router";
import { ChatError } from "@edge-chat/protocol";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import { RegionClient, RegionVerdict } from "./client.ts";
import type { RouterStateStore } from "./router-state.ts";

const region = (id: string, lat: number, lon: number) => ({
  id,
  name: id,
  location: { lat, lon },
  ingestUrl: `http://${id}.test`,
  historyUrl: `http://${id}.test`,
});
const vars = {
  JWT_ISSUER: "i",
  JWT_AUDIENCE: "a",
  JWT_JWKS_URL: "https://idp.example/jwks",
  REGIONS: JSON.stringify([region("eu", 50, 8), region("us", 39, -77)]),
  SERVICE_SIGNING_KEY: (env as unknown as Env).SERVICE_SIGNING_KEY,
};
const config = loadConfig(vars as unknown as Env);
const nearEu = { lat: 48.8, lon: 2.3 };

function memoryState(): RouterStateStore & { saves: number } {
  let state: RouterState | undefined;
  return {
    saves: 0,
    load: () => state,
    save(next) {
      state = next;
      this.saves++;
    },
  };
}

const clientWith = (state: RouterStateStore) =>
  new RegionClient({ config, state, now: () => 1_000_000 });

/** An attempt that fails in the regions listed and records which regions it was tried in. */
function attemptFailingIn(failing: string[], tried: string[]) {
  return async ({ region, token }: { region: { id: string }; token: string }) => {
    tried.push(region.id);
    expect(token.split(".")).toHaveLength(3); // a signed JWT
    if (failing.includes(region.id)) throw new ChatError("unavailable", `${region.id} is down`);
    return `answer from ${region.id}`;
  };
}

describe("RegionClient.call", () => {
  it("tries the nearest region first and fails over to the next on an error", async () => {
    const state = memoryState();
    const tried: string[] = [];
    const result = await clientWith(state).call(
      { what: "test", location: nearEu },
      attemptFailingIn(["eu"], tried),
    );
    expect(tried).toEqual(["eu", "us"]);
    expect(result).toEqual({ value: "answer from us", regionId: "us" });
    expect(state.saves).toBeGreaterThan(0);
  });

  it("ends the call on a region's verdict, without asking another region", async () => {
    const tried: string[] = [];
    const call = clientWith(memoryState()).call({ what: "test", location: nearEu }, async (ctx) => {
      tried.push(ctx.region.id);
      throw new RegionVerdict(new ChatError("not_found", "no such object"));
    });
    await expect(call).rejects.toMatchObject({ code: "not_found" });
    expect(tried).toEqual(["eu"]);
  });

  it("keeps failures in the store, so a region that keeps failing is tried last", async () => {
    const state = memoryState();
    const client = clientWith(state);
    for (let i = 0; i < 5; i++) {
      await client.call({ what: "test", location: nearEu }, attemptFailingIn(["eu"], []));
    }
    const tried: string[] = [];
    await client.call({ what: "test", location: nearEu }, attemptFailingIn([], tried));
    expect(tried).toEqual(["us"]);
    // A fresh store knows nothing of it: the nearest region is first again.
    const fresh: string[] = [];
    await clientWith(memoryState()).call(
      { what: "test", location: nearEu },
      attemptFailingIn([], fresh),
    );
    expect(fresh).toEqual(["eu"]);
  });

  it("sticks to the given region while it is healthy, even when another is nearer", async () => {
    const tried: string[] = [];
    await clientWith(memoryState()).call(
      { what: "test", location: nearEu, stickTo: "us" },
      attemptFailingIn([], tried),
    );
    expect(tried).toEqual(["us"]);
  });

  it("is unavailable when every region fails, or when none is configured", async () => {
    const tried: string[] = [];
    await expect(
      clientWith(memoryState()).call({ what: "test" }, attemptFailingIn(["eu", "us"], tried)),
    ).rejects.toMatchObject({ code: "unavailable" });
    expect(tried.sort()).toEqual(["eu", "us"]);
    const none = new RegionClient({
      config: loadConfig({ ...vars, REGIONS: "[]" } as unknown as Env),
      state: memoryState(),
      now: () => 0,
    });
    expect(none.configured).toBe(false);
    await expect(none.call({ what: "test" }, async () => "x")).rejects.toMatchObject({
      code: "unavailable",
    });
  });
});
