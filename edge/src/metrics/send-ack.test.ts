import type { EdgeMetricPoint } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { SEND_ACK_SAMPLE_MS, SendAckProbe } from "./send-ack.ts";

function setup() {
  let now = 1_000;
  const commits: (() => void)[] = [];
  const points: EdgeMetricPoint[] = [];
  const probe = new SendAckProbe({
    now: () => now,
    committed: () => new Promise<void>((resolve) => commits.push(resolve)),
    record: (point) => points.push(point),
  });
  const commit = async (ms: number) => {
    now += ms;
    commits.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { probe, points, commit, at: () => now, advance: (ms: number) => (now += ms) };
}

describe("SendAckProbe", () => {
  it("records arrival → confirmed commit, one measurement at a time", async () => {
    const { probe, points, commit, at } = setup();
    probe.acked(at() - 3); // arrived 3 ms ago (a limiter wait)
    probe.acked(at()); // while one is in flight: not measured
    await commit(7);
    expect(points).toEqual([{ stage: "send_ack", ms: 10 }]);
  });

  it("samples at most one point per SEND_ACK_SAMPLE_MS", async () => {
    const { probe, points, commit, at, advance } = setup();
    probe.acked(at());
    await commit(1);
    probe.acked(at()); // within the sample interval of the first
    expect(points).toHaveLength(1);
    advance(SEND_ACK_SAMPLE_MS);
    probe.acked(at());
    await commit(2);
    expect(points).toEqual([
      { stage: "send_ack", ms: 1 },
      { stage: "send_ack", ms: 2 },
    ]);
  });
});
