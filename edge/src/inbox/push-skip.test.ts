import { PushNotification } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { devicesToSkip } from "./push-skip.ts";

describe("devices a push skips", () => {
  it("skips connected devices and those that received up to the push's last message", () => {
    const skip = devicesToSkip(["laptop"], { phone: 7, tablet: 6, laptop: 2 }, { lastSeq: 7 });
    expect(skip.sort()).toEqual(["laptop", "phone"]);
  });

  it("skips none when no device is connected or has the message", () => {
    expect(devicesToSkip([], { phone: 3 }, { lastSeq: 4 })).toEqual([]);
  });

  it("keeps within the schema's cap (an uncapped list would be refused by the region)", () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`d${i}`, 9]));
    const skipDeviceIds = devicesToSkip([], many, { lastSeq: 9 });
    expect(skipDeviceIds).toHaveLength(64);
    expect(PushNotification.shape.skipDeviceIds.safeParse(skipDeviceIds).success).toBe(true);
    expect(PushNotification.shape.skipDeviceIds.safeParse([...skipDeviceIds, "x"]).success).toBe(
      false,
    );
  });
});
