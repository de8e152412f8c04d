// The wrappers time what they wrap and keep its outcome: errors still reject, results pass through,
// dead letters count under their code, route labels stay bounded.
import { describe, expect, it } from "vitest";
import { EmbeddedLog } from "./events/embedded-log.ts";
import { instrumentPublisher, instrumentRepositories, routeFamily } from "./instrument.ts";
import { createMetrics } from "./metrics.ts";
import { memoryRepositories } from "./repositories/memory.ts";
import { message } from "../test/fixtures.ts";
import { sample } from "../test/prom.ts";

describe("instrument", () => {
  it("labels routes by family only, whatever the ids in the path", () => {
    expect(routeFamily("/v1/history/g%3Aabc")).toBe("history");
    expect(routeFamily("/v1/users/bob/conversations")).toBe("users");
    expect(routeFamily("/metrics")).toBe("metrics");
    expect(routeFamily("/v1/nope/1")).toBe("other");
    expect(routeFamily("/")).toBe("other");
  });

  it("times publishes, rethrows failures, and counts dead letters by code", async () => {
    const metrics = createMetrics("t");
    const log = new EmbeddedLog({ partitions: 1 });
    const dlq = instrumentPublisher(log.publisher("dlq"), metrics, "dlq", { deadLetters: true });
    await dlq.publish([{ key: "k", value: "v", headers: { "x-dlq-code": "invalid_request" } }]);
    const failing = instrumentPublisher(
      { publish: () => Promise.reject(new Error("down")) },
      metrics,
      "events",
    );
    await expect(failing.publish([{ key: "k", value: "v" }])).rejects.toThrow("down");
    const text = await metrics.registry.metrics();
    expect(
      sample(text, "region_kafka_publish_duration_seconds_count", {
        topic: "dlq",
        outcome: "ok",
        region: "t",
      }),
    ).toBe(1);
    expect(
      sample(text, "region_kafka_publish_duration_seconds_count", {
        topic: "events",
        outcome: "error",
        region: "t",
      }),
    ).toBe(1);
    expect(
      sample(text, "region_errors_total", {
        code: "invalid_request",
        source: "persister",
        region: "t",
      }),
    ).toBe(1);
  });

  it("times repository calls as reads or writes and records end to end on message inserts", async () => {
    const metrics = createMetrics("t");
    const memory = memoryRepositories();
    // A synchronous helper keeps its plain return value through the wrapper.
    Object.assign(memory.members, { size: () => 3 });
    const repositories = instrumentRepositories(memory, metrics);
    expect((repositories.members as unknown as { size(): number }).size()).toBe(3);
    const stored = { ...message("g:x", 1), serverTs: Date.now() };
    await repositories.messages.insert(stored);
    expect(await repositories.messages.get("g:x", 1)).toEqual(stored);
    expect(await repositories.members.list("g:x")).toEqual([]);
    const text = await metrics.registry.metrics();
    expect(
      sample(text, "region_storage_duration_seconds_count", {
        op: "messages.insert",
        kind: "write",
        outcome: "ok",
        region: "t",
      }),
    ).toBe(1);
    expect(
      sample(text, "region_storage_duration_seconds_count", {
        op: "messages.get",
        kind: "read",
        outcome: "ok",
        region: "t",
      }),
    ).toBe(1);
    expect(
      sample(text, "region_storage_duration_seconds_count", {
        op: "members.list",
        kind: "read",
        outcome: "ok",
        region: "t",
      }),
    ).toBe(1);
    expect(sample(text, "region_end_to_end_seconds_count", { region: "t" })).toBe(1);
  });
});
