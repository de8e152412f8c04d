import { ChatError } from "@edge-chat/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PendingRequests } from "./requests.ts";

describe("PendingRequests", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("settles each request with the reply carrying its reqId, whatever the reply order", async () => {
    const requests = new PendingRequests();
    const a = requests.wait<string>("a");
    const b = requests.wait<string>("b");
    expect(requests.resolve("b", "reply b")).toBe(true);
    expect(requests.resolve("a", "reply a")).toBe(true);
    await expect(a).resolves.toBe("reply a");
    await expect(b).resolves.toBe("reply b");
    expect(requests.resolve("a", "late")).toBe(false);
    expect(requests.resolve(undefined, "stray")).toBe(false);
  });

  it("rejects with the error frame's code, on timeout, and on disconnect", async () => {
    const requests = new PendingRequests(1_000);
    const failed = requests.wait("x");
    const timedOut = requests.wait("y");
    const dropped = requests.wait("z");
    requests.reject("x", new ChatError("not_found", "no such message"));
    await expect(failed).rejects.toMatchObject({ code: "not_found" });
    vi.advanceTimersByTime(1_000);
    await expect(timedOut).rejects.toMatchObject({ code: "unavailable" });
    requests.rejectAll(new ChatError("unavailable", "disconnected"));
    await expect(dropped).rejects.toMatchObject({ code: "unavailable" });
  });
});
