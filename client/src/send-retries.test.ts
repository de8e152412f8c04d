import { ChatError } from "@edge-chat/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SendRetries } from "./send-retries.ts";

describe("SendRetries", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const limited = (ms?: number) =>
    new ChatError("rate_limited", "slow down", ms === undefined ? {} : { retryAfterMs: ms });

  it("waits for the server's hint or the growing backoff, whichever is longer", () => {
    const retries = new SendRetries(() => 1);
    const resend = vi.fn();
    expect(retries.schedule("m", limited(1_000), resend)).toBe(1_000); // hint > 200 ms backoff
    expect(retries.waiting("m")).toBe(true);
    vi.advanceTimersByTime(999);
    expect(resend).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(resend).toHaveBeenCalledTimes(1);
    expect(retries.waiting("m")).toBe(false);
    expect(retries.schedule("m", limited(), resend)).toBe(400); // second attempt, no hint
    expect(retries.schedule("m", limited(10), resend)).toBe(800); // replaces the pending wait
    vi.advanceTimersByTime(800);
    expect(resend).toHaveBeenCalledTimes(2);
  });

  it("forgets settled messages and cancels waits when the connection goes", () => {
    const retries = new SendRetries(() => 1);
    const resend = vi.fn();
    retries.schedule("a", limited(), resend);
    retries.schedule("b", limited(), resend);
    retries.settled("a");
    retries.cancelWaits();
    vi.advanceTimersByTime(60_000);
    expect(resend).not.toHaveBeenCalled();
    expect(retries.schedule("a", limited(), resend)).toBe(200); // attempts started over
    expect(retries.schedule("b", limited(), resend)).toBe(400); // still counting
  });
});
