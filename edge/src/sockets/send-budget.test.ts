import { closeCodeOf, decodeServerFrame } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { type BudgetedSocket, sendWithinBudget } from "./send-budget.ts";

/** A socket whose client never reads: every write stays queued. */
class StalledSocket implements BudgetedSocket {
  readyState = 1;
  bufferedAmount: number | undefined = 0;
  written: string[] = [];
  closed: { code?: number; reason?: string } | undefined;
  send(text: string): void {
    if (this.readyState !== 1) throw new Error("send after close");
    this.written.push(text);
    if (this.bufferedAmount !== undefined) this.bufferedAmount += text.length;
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 2;
  }
}

describe("sendWithinBudget", () => {
  it("writes while the queue stays within the budget", () => {
    const ws = new StalledSocket();
    for (let i = 0; i < 10; i++) expect(sendWithinBudget(ws, "x".repeat(100), 1000)).toBe("sent");
    expect(ws.bufferedAmount).toBe(1000);
    expect(ws.closed).toBeUndefined();
  });

  it("cuts a socket that stopped reading with slow_consumer, and queues nothing more for it", () => {
    const ws = new StalledSocket();
    const outcomes = Array.from({ length: 50 }, () => sendWithinBudget(ws, "x".repeat(100), 1000));
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(10);
    expect(outcomes[10]).toBe("cut");
    expect(outcomes.slice(11).every((o) => o === "not_open")).toBe(true);
    expect(ws.closed?.code).toBe(closeCodeOf("slow_consumer"));
    // The queue is bounded by the budget plus the one small error frame.
    const last = ws.written.at(-1)!;
    expect(ws.bufferedAmount).toBe(1000 + last.length);
    expect(decodeServerFrame(last)).toMatchObject({
      type: "error",
      code: "slow_consumer",
      retriable: true,
    });
  });

  it("keeps a client that reads: the queue drains and writes go on", () => {
    const ws = new StalledSocket();
    for (let i = 0; i < 100; i++) {
      expect(sendWithinBudget(ws, "x".repeat(100), 1000)).toBe("sent");
      ws.bufferedAmount = Math.max(0, (ws.bufferedAmount ?? 0) - 150); // the client reads
    }
    expect(ws.closed).toBeUndefined();
  });

  it("writes on, unbounded, where the runtime does not report bufferedAmount", () => {
    const ws = new StalledSocket();
    ws.bufferedAmount = undefined;
    for (let i = 0; i < 20; i++) expect(sendWithinBudget(ws, "x".repeat(100), 1000)).toBe("sent");
    expect(ws.closed).toBeUndefined();
  });

  it("lets one frame larger than the budget onto an empty queue (a full sync page)", () => {
    const ws = new StalledSocket();
    expect(sendWithinBudget(ws, "x".repeat(5000), 1000)).toBe("sent");
    expect(sendWithinBudget(ws, "x", 1000)).toBe("cut");
  });

  it("writes nothing to a socket that is not open", () => {
    const ws = new StalledSocket();
    ws.readyState = 3;
    expect(sendWithinBudget(ws, "x")).toBe("not_open");
    expect(ws.written).toHaveLength(0);
  });
});
