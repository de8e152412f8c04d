import type { PushEvent } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { applySettings } from "./settings.ts";

const event: PushEvent = {
  type: "push",
  pushId: "0b7f3c1e-8d0a-4c55-9a61-2f3e4d5c6b7a",
  userId: "bob",
  conversationId: "g:team",
  kind: "group",
  count: 2,
  lastSeq: 9,
  senderId: "alice",
  lastMessageKind: "text",
  preview: "hello",
  unread: 2,
  at: 1,
  skipDeviceIds: [],
};

describe("applySettings", () => {
  it("sends unchanged by default", () => {
    expect(applySettings(event, { previews: true, muted: {} }, 100)).toEqual({
      kind: "send",
      event,
    });
  });

  it("suppresses while do-not-disturb or the conversation's mute is active, not after until", () => {
    expect(applySettings(event, { previews: true, doNotDisturb: {}, muted: {} }, 100).kind).toBe(
      "suppress",
    );
    expect(
      applySettings(event, { previews: true, doNotDisturb: { until: 200 }, muted: {} }, 100),
    ).toEqual({ kind: "suppress", reason: "do_not_disturb" });
    expect(
      applySettings(event, { previews: true, doNotDisturb: { until: 50 }, muted: {} }, 100).kind,
    ).toBe("send");
    expect(applySettings(event, { previews: true, muted: { "g:team": {} } }, 100)).toEqual({
      kind: "suppress",
      reason: "muted",
    });
    expect(
      applySettings(event, { previews: true, muted: { "g:team": { until: 99 } } }, 100).kind,
    ).toBe("send");
    expect(applySettings(event, { previews: true, muted: { "g:other": {} } }, 100).kind).toBe(
      "send",
    );
  });

  it("a mention goes through a mute, never through do-not-disturb", () => {
    const mentioned = { ...event, mentioned: true };
    expect(applySettings(mentioned, { previews: true, muted: { "g:team": {} } }, 100)).toEqual({
      kind: "send",
      event: mentioned,
    });
    expect(
      applySettings(mentioned, { previews: true, doNotDisturb: {}, muted: { "g:team": {} } }, 100),
    ).toEqual({ kind: "suppress", reason: "do_not_disturb" });
  });

  it("drops sender and text when previews are off", () => {
    const decision = applySettings(event, { previews: false, muted: {} }, 100);
    expect(decision.kind).toBe("send");
    if (decision.kind !== "send") return;
    expect(decision.event).not.toHaveProperty("preview");
    expect(decision.event).not.toHaveProperty("senderId");
    expect(decision.event).toMatchObject({ conversationId: "g:team", count: 2 });
  });
});
