import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { liveLeases, releaseLease, takeLease } from "./leases.ts";

describe("leases", () => {
  it("counts live holders, drops dead ones, and releases on request", () => {
    const run = mkdtempSync(join(tmpdir(), "leases-"));
    expect(liveLeases(run)).toEqual([]);
    takeLease(run, process.pid);
    takeLease(run, 2 ** 22 + 12345); // above pid_max: never alive
    expect(liveLeases(run)).toEqual([process.pid]);
    expect(readdirSync(join(run, "leases"))).toEqual([String(process.pid)]);
    releaseLease(run, process.pid);
    expect(liveLeases(run)).toEqual([]);
  });
});
