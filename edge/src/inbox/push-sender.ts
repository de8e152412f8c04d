// Delivering push notifications: a `PushSender` the InboxDO hands each due notification to. By
// default a due push takes the region path (region-push.ts: POST /v1/push → push topic → the
// notifier, which delivers through Web Push, APNs and FCM). The webhook sender POSTs the
// PushNotification JSON to PUSH_WEBHOOK_URL with the edge's service token instead, when set.
// Without either pushes are only counted and logged. Senders only try once: the InboxDO's push
// outbox (push-outbox.ts) keeps each push until a sender confirms it, and retries. A sender throws
// a retriable error for what may pass (a network error, a 5xx) and a non-retriable one for a 4xx.
import type { PushNotification } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { signServiceToken } from "../region/service-token.ts";
import { refusalOf } from "./push-outbox.ts";
import { regionPushSender } from "./region-push.ts";

export interface PushSender {
  /** `pushId` stays the same over retries of one push. */
  send(notification: PushNotification, pushId: string): Promise<void>;
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
      if (!res.ok) throw refusalOf("push webhook", res.status);
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
export function pushSenderFor(config: Config, now: () => number): PushSender {
  const url = config.push.webhookUrl;
  if (url) return webhookPushSender(url, config.serviceSigningKey, now);
  if (config.regions.length > 0) return regionPushSender(config, now);
  return logPushSender;
}
