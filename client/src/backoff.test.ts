import { DEFAULT_RETRY } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.ts";
import { decideOnClose, errorCodeOfClose } from "./close-codes.ts";

describe("Backoff", () => {
  it("follows the protocol's schedule: doubling from 200 ms, half-jitter, capped at 30 s", () => {
    const high = new Backoff({ random: () => 1 });
    const low = new Backoff({ random: () => 0 });
    const highs = Array.from({ length: 10 }, () => high.next(0));
    const lows = Array.from({ length: 10 }, () => low.next(0));
    expect(highs).toEqual([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    expect(lows).toEqual(highs.map((d) => d! / 2));
  });

  it("starts again from the first delay after a stable connection, not after a brief one", () => {
    const b = new Backoff({ random: () => 1, stableAfterMs: 5_000 });
    expect([b.next(0), b.next(0), b.next(0)]).toEqual([200, 400, 800]);
    b.opened(1_000);
    expect(b.next(2_000)).toBe(1600); // up for 1 s only: keeps growing
    b.opened(10_000);
    expect(b.next(15_000)).toBe(200); // up for 5 s: stable, starts over
  });

  it("gives up when the policy's attempts are spent", () => {
    const b = new Backoff({ policy: { ...DEFAULT_RETRY, maxAttempts: 2 }, random: () => 1 });
    expect([b.next(0), b.next(0), b.next(0)]).toEqual([200, 400, undefined]);
  });
});

describe("close codes", () => {
  it("maps 4000 + status to the protocol's error code", () => {
    expect(errorCodeOfClose(4404)).toBe("not_found");
    expect(errorCodeOfClose(4401)).toBe("unauthenticated");
    expect(errorCodeOfClose(1006)).toBeUndefined();
  });

  it("stops on not a member, forbidden and unsupported version", () => {
    for (const code of [4404, 4403, 4426, 4400]) {
      expect(decideOnClose(code, "").action).toBe("stop");
    }
  });

  it("reconnects on transport closes, retriable errors and an expired ticket", () => {
    for (const code of [1000, 1001, 1006, 1011, 4401, 4429, 4500, 4503]) {
      expect(decideOnClose(code, "").action).toBe("reconnect");
    }
    const d = decideOnClose(4404, "not a member");
    expect(d.action === "stop" && d.error.code).toBe("not_found");
    expect(d.error?.message).toBe("not a member");
  });

  it("reconnects (and so resyncs) after being cut as a slow consumer", () => {
    expect(errorCodeOfClose(4408)).toBe("slow_consumer");
    expect(decideOnClose(4408, "slow_consumer")).toMatchObject({
      action: "reconnect",
      error: { code: "slow_consumer" },
    });
  });
});
