import { describe, expect, it } from "vitest";
import { pushEvent } from "../../test/fixtures.ts";
import { pushMessageOf } from "./message.ts";
import { decodePushRecord, pushTargets } from "./notifier.ts";

const base = pushEvent({ lastSeq: 3, at: 5 });

describe("pushMessageOf", () => {
  it("shows sender and preview when the recipient allows previews", () => {
    const m = pushMessageOf({ ...base, senderId: "alice", preview: "hi", count: 2 });
    expect(m.alert).toEqual({ title: "alice", body: "hi (+1)" });
    expect(m.payload).toMatchObject({ senderId: "alice", preview: "hi", count: 2 });
    expect(m.collapseKey).toBe("d:alice:bob");
  });

  it("says only how many when previews are off (no sender, no text in payload or alert)", () => {
    const m = pushMessageOf({
      ...base,
      kind: "group",
      conversationId: "g:x",
      name: "Team",
      count: 3,
    });
    expect(m.alert).toEqual({ title: "Team", body: "3 new messages" });
    expect(m.payload).not.toHaveProperty("preview");
    expect(m.payload).not.toHaveProperty("senderId");
  });
});

describe("notifier decisions", () => {
  it("calls records that are not a push event poison", () => {
    expect(decodePushRecord(null).kind).toBe("poison");
    expect(decodePushRecord(new TextEncoder().encode("{}")).kind).toBe("poison");
    const ok = decodePushRecord(new TextEncoder().encode(JSON.stringify(base)));
    expect(ok.kind).toBe("event");
  });

  it("targets devices with push credentials that were not connected", () => {
    const device = (deviceId: string, push: boolean) => ({
      deviceId,
      userId: "bob",
      name: deviceId,
      role: "companion" as const,
      createdAt: 0,
      lastActiveAt: 0,
      ...(push ? { push: { platform: "fcm" as const, token: "t" } } : {}),
    });
    const a = "00000000-0000-4000-8000-00000000000a";
    const b = "00000000-0000-4000-8000-00000000000b";
    const c = "00000000-0000-4000-8000-00000000000c";
    const targets = pushTargets([device(a, true), device(b, true), device(c, false)], {
      ...base,
      skipDeviceIds: [b],
    });
    expect(targets.map((d) => d.deviceId)).toEqual([a]);
  });
});
