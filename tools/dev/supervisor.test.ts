import { describe, expect, it } from "vitest";
import { onChildExit, SUPERVISOR_POLICY } from "./supervisor.ts";

const top = () => 1; // the upper end of the jitter range: delays are exact

describe("npm start's supervisor", () => {
  it("restarts a child that crashed after running a while almost at once, and starts over", () => {
    expect(onChildExit(5, 60_000, SUPERVISOR_POLICY, top)).toEqual({
      action: "restart",
      delayMs: 500,
      quickCrashes: 0,
    });
  });

  it("backs off a child that keeps crashing right after start, up to the cap", () => {
    const delays: number[] = [];
    let streak = 0;
    for (let i = 0; i < 7; i++) {
      const decision = onChildExit(streak, 1_000, SUPERVISOR_POLICY, top);
      if (decision.action !== "restart") throw new Error("gave up too early");
      delays.push(decision.delayMs);
      streak = decision.quickCrashes;
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
  });

  it("gives up after too many quick crashes in a row", () => {
    expect(onChildExit(7, 1_000, SUPERVISOR_POLICY, top)).toEqual({
      action: "give_up",
      quickCrashes: 8,
    });
  });
});
