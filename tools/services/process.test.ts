import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LogScanner, logSize, tailLog } from "./process.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-chat-process-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("LogScanner", () => {
  it("finds a line written after fromByte, only once it is there, also across reads", () => {
    const log = join(dir, "a.log");
    writeFileSync(log, "Starting listening for CQL clients (an earlier start)\n");
    const scanner = new LogScanner(log, logSize(log));
    expect(scanner.seen("Starting listening for CQL clients")).toBe(false);
    appendFileSync(log, "noise\n".repeat(1000));
    appendFileSync(log, "Starting listening for ");
    expect(scanner.seen("Starting listening for CQL clients")).toBe(false);
    appendFileSync(log, "CQL clients on /127.0.0.1:9042\n");
    expect(scanner.seen("Starting listening for CQL clients")).toBe(true);
  });

  it("reads a log past its chunk size (8 MiB) without missing the line at its end", () => {
    const log = join(dir, "b.log");
    writeFileSync(log, `${"x".repeat(1023)}\n`.repeat(9 * 1024));
    appendFileSync(log, "ready\n");
    expect(new LogScanner(log, 0).seen("ready")).toBe(true);
    expect(tailLog(log, 1)).toBe("ready");
  });
});
