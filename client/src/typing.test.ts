import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalTyping, RemoteTypists, type TypingChange } from "./typing.ts";

describe("RemoteTypists", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("expires a typist who sends no refresh or stop", () => {
    const changes: TypingChange[] = [];
    const typists = new RemoteTypists((c) => changes.push(c), 6_000);
    typists.started("bob");
    expect(changes).toEqual([{ userId: "bob", typing: true, typists: ["bob"] }]);
    vi.advanceTimersByTime(5_999);
    expect(changes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(changes.at(-1)).toEqual({ userId: "bob", typing: false, typists: [] });
  });

  it("a refresh extends the expiry without repeating the change", () => {
    const changes: TypingChange[] = [];
    const typists = new RemoteTypists((c) => changes.push(c), 6_000);
    typists.started("bob");
    vi.advanceTimersByTime(4_000);
    typists.started("bob");
    vi.advanceTimersByTime(4_000);
    expect(changes).toHaveLength(1);
    expect(typists.typists).toEqual(["bob"]);
    vi.advanceTimersByTime(2_000);
    expect(changes.map((c) => c.typing)).toEqual([true, false]);
  });

  it("stop and clear end typing once, for everyone", () => {
    const changes: TypingChange[] = [];
    const typists = new RemoteTypists((c) => changes.push(c));
    typists.started("bob");
    typists.started("carol");
    typists.stopped("bob");
    typists.stopped("bob");
    typists.clear();
    expect(changes.map((c) => `${c.userId}:${c.typing}`)).toEqual([
      "bob:true",
      "carol:true",
      "bob:false",
      "carol:false",
    ]);
    vi.advanceTimersByTime(60_000);
    expect(changes).toHaveLength(4);
  });
});

describe("LocalTyping", () => {
  it("sends one start per refresh interval and a stop only after a start", () => {
    const t = new LocalTyping(3_000);
    expect(t.shouldSend("stop", 0)).toBe(false);
    expect(t.shouldSend("start", 0)).toBe(true);
    expect(t.shouldSend("start", 1_000)).toBe(false);
    expect(t.shouldSend("start", 2_999)).toBe(false);
    expect(t.shouldSend("start", 3_000)).toBe(true);
    expect(t.shouldSend("stop", 3_100)).toBe(true);
    expect(t.shouldSend("stop", 3_200)).toBe(false);
    expect(t.shouldSend("start", 3_300)).toBe(true);
  });
});
