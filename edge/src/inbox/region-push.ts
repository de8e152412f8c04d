// Due pushes on the region path: the InboxDO's decision (a collapsed PushNotification) becomes a
// PushEvent POSTed to the nearest healthy region's /v1/push, which publishes it to the push topic
// for the notifier. The one hook for "which of the user's devices are connected right now" is
// `connectedDevices` (presence heartbeats from any socket, inbox or conversation): those devices get
// the message on their socket and are skipped by the notifier.
import {
  type DeviceId,
  type PushBatch,
  type PushEvent,
  type PushNotification,
  type UserId,
  withRetry,
} from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { callRegion } from "../region/call.ts";

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
  if (notification.mentioned) event.mentioned = true;
  return event;
}

export function regionPushSender(
  config: Config,
  now: () => number,
  connectedDevices: ConnectedDevices,
  fetcher?: typeof fetch,
): { send(notification: PushNotification): Promise<void> } {
  return {
    async send(notification) {
      // Presence is advisory: if it cannot be read, push to every device rather than to none.
      const skip = await connectedDevices(notification.userId).catch(() => []);
      const batch: PushBatch = { events: [pushEventOf(notification, crypto.randomUUID(), skip)] };
      await withRetry(
        async () => {
          const response = await callRegion(
            { config, now, ...(fetcher ? { fetcher } : {}) },
            "POST",
            "/v1/push",
            batch,
          );
          await response.body?.cancel();
          if (!response.ok) throw new Error(`region refused the push: ${response.status}`);
        },
        {
          policy: { initialDelayMs: 200, factor: 2, maxDelayMs: 2_000, maxAttempts: 4 },
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        },
      );
    },
  };
}
