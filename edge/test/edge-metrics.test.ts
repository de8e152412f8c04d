// The edge's latency points leave a real ConversationDO as `npm start` ships them: buffered per
// invocation and posted to the collector (here fake-metrics.ts behind the outbound service), with
// every stage a chat's traffic produces: send -> ack (sampled at the storage commit), fan-out, the
// region call that took the region outbox batch (labelled by region and outcome) and the batch's
// age.
import type { EdgeMetricPoint, EdgeStage } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { connect, createGroup, eventually, users } from "./support/client.ts";

async function pointsSoFar(): Promise<{ points: EdgeMetricPoint[]; refused: number }> {
  const res = await fetch("http://metrics.test/__control/points");
  return (await res.json()) as { points: EdgeMetricPoint[]; refused: number };
}

const countOf = (points: EdgeMetricPoint[], stage: EdgeStage) =>
  points.filter((p) => p.stage === stage).length;

describe("edge latency points", () => {
  it("a chat's traffic reaches the collector with every stage it passes through", async () => {
    const [a, b] = users(2, "metrics");
    const id = await createGroup(a!, [b!]);
    const sa = await connect(a!, id);
    const sb = await connect(b!, id);
    const before = (await pointsSoFar()).points;
    const stages: EdgeStage[] = ["send_ack", "fanout", "region_call", "region_outbox_age"];
    let sent = 0;
    // Points leave when the object's alarm flushes them; send until each stage has a new point
    // (bounded: every send is acked and fanned out, so a missing stage fails the test).
    await eventually(
      async () => {
        sent++;
        sa.send({
          type: "send",
          clientMsgId: `m${sent}`,
          content: { kind: "text", text: `${sent}` },
        });
        await sa.next("ack");
        await sb.next("message");
        const now = (await pointsSoFar()).points;
        if (stages.every((stage) => countOf(now, stage) > countOf(before, stage))) return true;
        await new Promise((r) => setTimeout(r, 500)); // about two sends a second, far below the limits
        return false;
      },
      "a new point of every stage",
      60_000,
    );
    const { points, refused } = await pointsSoFar();
    expect(refused).toBe(0);
    const calls = points.slice(before.length).filter((p) => p.stage === "region_call");
    expect(
      calls.some(
        (p) => ["test-a", "test-b"].includes(p.region ?? "") && (p.outcome ?? "ok") === "ok",
      ),
    ).toBe(true);
    for (const p of points) expect(p.ms).toBeGreaterThanOrEqual(0);
    sa.close();
    sb.close();
  });
});
