// Delivering push notifications: a `PushSender` the InboxDO hands each due notification to. The
// webhook sender POSTs the PushNotification JSON to PUSH_WEBHOOK_URL with the edge's service token
// (the same EdDSA JWT the regions verify); APNs/FCM delivery (device tokens, provider credentials)
// belongs behind that webhook, e.g. in region-core's notifier. Without a URL pushes are only
// counted and logged.
import { ChatError, type PushNotification } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { signServiceToken } from "../outbox/service-token.ts";

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

export function pushSenderFor(config: Config, now: () => number): PushSender {
  const url = config.push.webhookUrl;
  return url ? webhookPushSender(url, config.serviceSigningKey, now) : logPushSender;
}
