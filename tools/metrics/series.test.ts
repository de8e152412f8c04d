// Quantiles and rates from snapshot deltas, as Prometheus computes them.
import { describe, expect, it } from "vitest";
import { parsePromText } from "./prom-text.ts";
import { quantile, SeriesStore } from "./series.ts";

const histogram = (region: string, counts: [string, number][]) =>
  counts.map(([le, n]) => `lat_bucket{le="${le}",region="${region}"} ${n}`).join("\n");

describe("quantile", () => {
  it("interpolates inside the bucket holding the rank, like histogram_quantile", () => {
    const buckets = [
      [0.1, 50],
      [0.2, 90],
      [0.4, 100],
      [Infinity, 100],
    ] as const;
    expect(quantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(quantile(0.7, buckets)).toBeCloseTo(0.15);
    expect(quantile(0.95, buckets)).toBeCloseTo(0.3);
    expect(
      quantile(0.5, [
        [0.1, 0],
        [Infinity, 0],
      ]),
    ).toBeNull();
    expect(
      quantile(0.99, [
        [0.1, 0],
        [Infinity, 4],
      ]),
    ).toBe(0.1);
  });
});

describe("SeriesStore", () => {
  it("computes per-interval quantiles and rates per region from cumulative snapshots", () => {
    const store = new SeriesStore(10);
    store.add({
      t: 0,
      samples: parsePromText(
        histogram("a", [
          ["0.1", 0],
          ["1", 0],
          ["+Inf", 0],
        ]),
      ),
    });
    store.add({
      t: 10_000,
      samples: parsePromText(
        `${histogram("a", [
          ["0.1", 10],
          ["1", 10],
          ["+Inf", 10],
        ])}\n${histogram("b", [
          ["0.1", 0],
          ["1", 4],
          ["+Inf", 4],
        ])}\nerrs_total{region="a",code="x"} 5`,
      ),
    });
    store.add({
      t: 20_000,
      samples: parsePromText(
        `${histogram("a", [
          ["0.1", 10],
          ["1", 20],
          ["+Inf", 20],
        ])}\nerrs_total{region="a",code="x"} 25`,
      ),
    });
    const series = store.quantiles({ metric: "lat", by: ["region"], since: 0 });
    const a = series.find((s) => s.labels.region === "a")!;
    expect(a.t).toEqual([10_000, 20_000]);
    expect(a.p50[0]).toBeCloseTo(0.05);
    expect(a.p50[1]).toBeCloseTo(0.55);
    expect(a.rate).toEqual([1, 1]);
    const b = series.find((s) => s.labels.region === "b")!;
    expect(b.p99[0]).toBeCloseTo(0.1 + 0.9 * 0.99);
    expect(
      store.quantiles({ metric: "lat", where: { region: "b" }, by: [], since: 0 }),
    ).toHaveLength(1);
    expect(store.rates({ metric: "errs_total", by: ["code"], since: 0 })[0]!.v).toEqual([0.5, 2]);
    expect(store.labelValues("region")).toEqual(["a"]);
  });

  it("keeps only its capacity and treats a counter reset as a restart from zero", () => {
    const store = new SeriesStore(2);
    for (const [t, n] of [
      [0, 5],
      [1000, 9],
      [2000, 3],
    ] as const) {
      store.add({ t, samples: parsePromText(`c_total{region="a"} ${n}`) });
    }
    expect(store.size()).toBe(2);
    expect(store.rates({ metric: "c_total", by: [], since: 0 })[0]!.v).toEqual([3]);
  });
});
