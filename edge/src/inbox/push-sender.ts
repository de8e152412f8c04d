// Delivering push notifications: a `PushSender` the InboxDO hands each due notification to. By
// default a due push takes the region path (region-push.ts: POST /v1/push → push topic → the
// notifier, which delivers through Web Push, APNs and FCM). The webhook sender POSTs the
// PushNotification JSON to PUSH_WEBHOOK_URL with the edge's service token instead, when set.
// Without either pushes are only counted and logged.
import { ChatError, type PushNotification } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { signServiceToken } from "../region/service-token.ts";
import { type ConnectedDevices, regionPushSender } from "./region-push.ts";

export interface PushSender {
  send(notification: PushNotification): Promise<void>;
}

export function webhookPushSender(
  url: string,
  signingKey: Record<string, unknown> | undefined,
  now: () => number,
  fetcher: typeof fetch = fetch,
): PushSender {
  return {
    async send(notification) {
      const token = await signServiceToken(signingKey, now());
      const res = await fetcher(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(notification),
      });
      await res.body?.cancel();
      if (!res.ok) throw new ChatError("unavailable", `push webhook answered ${res.status}`);
    },
  };
}

export const logPushSender: PushSender = {
  async send(notification) {
    console.log(
      `push due (no PUSH_WEBHOOK_URL): ${notification.userId} ${notification.conversationId} ×${notification.count}`,
    );
  },
};

/**
 * PUSH_WEBHOOK_URL (kept for integrations that want the raw notification) wins; otherwise, with a
 * region catalog, pushes take the region path to the notifier; with neither they are only logged.
 */
export function pushSenderFor(
  config: Config,
  now: () => number,
  connectedDevices: ConnectedDevices = async () => [],
): PushSender {
  const url = config.push.webhookUrl;
  if (url) return webhookPushSender(url, config.serviceSigningKey, now);
  if (config.regions.length > 0) return regionPushSender(config, now, connectedDevices);
  return logPushSender;
}
