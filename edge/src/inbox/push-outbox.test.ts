import { ChatError, type PushNotification } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { afterFailure, PUSH_MAX_AGE_MS, type PendingPush, refusalOf } from "./push-outbox.ts";

const notification: PushNotification = {
  userId: "u",
  conversationId: "c",
  kind: "direct",
  count: 1,
  lastSeq: 1,
  unread: 1,
  at: 0,
};
const pending = (attempts: number, createdAt = 0): PendingPush => ({
  pushId: "p",
  notification,
  createdAt,
  attempts,
});

describe("push outbox: after a failed delivery", () => {
  it("retries a passing failure with a backoff that grows with the attempts", () => {
    const first = afterFailure(pending(0), new Error("network"), 1_000, () => 1);
    const later = afterFailure(pending(3), refusalOf("region", 503), 1_000, () => 1);
    expect(first).toEqual({ kind: "retry", at: 1_200 });
    expect(later).toEqual({ kind: "retry", at: 2_600 });
    // Capped: a long outage is retried every few seconds, not ever more rarely.
    expect(afterFailure(pending(30), new Error("x"), 0, () => 1)).toEqual({
      kind: "retry",
      at: 5_000,
    });
  });

  it("drops what cannot succeed: a 4xx, or a push older than a day", () => {
    expect(afterFailure(pending(0), refusalOf("region", 400), 10).kind).toBe("drop");
    expect(afterFailure(pending(0), new ChatError("invalid_request", "x"), 10).kind).toBe("drop");
    expect(afterFailure(pending(5), new Error("down"), PUSH_MAX_AGE_MS).kind).toBe("drop");
    // 429 is the receiver asking to slow down: kept.
    expect(afterFailure(pending(0), refusalOf("region", 429), 10).kind).toBe("retry");
  });
});
