// Due pushes on the region path: the InboxDO's decision (a collapsed PushNotification) becomes a
// PushEvent POSTed to the nearest healthy region's /v1/push, which publishes it to the push topic
// for the notifier. The notification names the devices the notifier skips (push-skip.ts: connected
// ones, and those that already received the message), worked out by the InboxDO at each attempt.
import type { PushBatch, PushEvent, PushNotification } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { callRegion } from "../region/call.ts";
import { refusalOf } from "./push-outbox.ts";

/** Pure: the event for one decided push. */
export function pushEventOf(notification: PushNotification, pushId: string): PushEvent {
  const event: PushEvent = {
    type: "push",
    pushId,
    userId: notification.userId,
    conversationId: notification.conversationId,
    kind: notification.kind,
    count: notification.count,
    lastSeq: notification.lastSeq,
    unread: notification.unread,
    at: notification.at,
    skipDeviceIds: notification.skipDeviceIds ?? [],
  };
  if (notification.name !== undefined) event.name = notification.name;
  if (notification.lastSenderId !== undefined) event.senderId = notification.lastSenderId;
  if (notification.lastMessageKind !== undefined)
    event.lastMessageKind = notification.lastMessageKind;
  if (notification.preview !== undefined) event.preview = notification.preview;
  if (notification.mentioned) event.mentioned = true;
  return event;
}

/** One attempt per call (callRegion fails over across regions); the push outbox retries. */
export function regionPushSender(
  config: Config,
  now: () => number,
  fetcher?: typeof fetch,
): { send(notification: PushNotification, pushId: string): Promise<void> } {
  return {
    async send(notification, pushId) {
      const batch: PushBatch = { events: [pushEventOf(notification, pushId)] };
      const response = await callRegion(
        { config, now, ...(fetcher ? { fetcher } : {}) },
        "POST",
        "/v1/push",
        batch,
      );
      await response.body?.cancel();
      if (!response.ok) throw refusalOf("region", response.status);
    },
  };
}
