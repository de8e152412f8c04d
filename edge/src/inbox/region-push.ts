// Due pushes on the region path: the InboxDO's decision (a collapsed PushNotification) becomes a
// PushEvent POSTed to the nearest healthy region's /v1/push, which publishes it to the push topic
// for the notifier. The one hook for "which of the user's devices are connected right now" is
// `connectedDevices` (presence heartbeats from any socket, inbox or conversation): those devices get
// the message on their socket and are skipped by the notifier.
import type { DeviceId, PushBatch, PushEvent, PushNotification, UserId } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { callRegion } from "../region/call.ts";
import { refusalOf } from "./push-outbox.ts";

export type ConnectedDevices = (userId: UserId) => Promise<DeviceId[]>;

/** Pure: the event for one decided push. */
export function pushEventOf(
  notification: PushNotification,
  pushId: string,
  skipDeviceIds: DeviceId[],
): PushEvent {
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
    skipDeviceIds,
  };
  if (notification.name !== undefined) event.name = notification.name;
  if (notification.lastSenderId !== undefined) event.senderId = notification.lastSenderId;
  if (notification.lastMessageKind !== undefined)
    event.lastMessageKind = notification.lastMessageKind;
  if (notification.preview !== undefined) event.preview = notification.preview;
  return event;
}

/** One attempt per call (callRegion fails over across regions); the push outbox retries. */
export function regionPushSender(
  config: Config,
  now: () => number,
  connectedDevices: ConnectedDevices,
  fetcher?: typeof fetch,
): { send(notification: PushNotification, pushId: string): Promise<void> } {
  return {
    async send(notification, pushId) {
      // Presence is advisory: if it cannot be read, push to every device rather than to none.
      // Read at each attempt: a device that connected while the region was down needs no push.
      const skip = await connectedDevices(notification.userId).catch(() => []);
      const batch: PushBatch = { events: [pushEventOf(notification, pushId, skip)] };
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
