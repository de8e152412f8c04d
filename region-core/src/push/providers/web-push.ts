// Web Push (RFC 8030) through the `web-push` library: it signs the VAPID JWT (RFC 8292) and encrypts
// the payload for the subscription (RFC 8291, aes128gcm); this file only sends the request it builds
// (with fetch, so a deadline applies to the whole exchange) and reads the push service's answer.
import { createHash } from "node:crypto";
import webpush from "web-push";
import { type DeliveryOutcome, type PushProvider, providerFailure, retryAfterMs } from "./ports.ts";

export interface WebPushSettings {
  /** VAPID keys (URL-safe base64, as `web-push generate-vapid-keys` prints them). */
  publicKey: string;
  privateKey: string;
  /** A mailto: or https: contact the push service may use (RFC 8292 `sub`). */
  subject: string;
  timeoutMs: number;
  now?: () => number;
  fetcher?: typeof fetch;
}

/** RFC 8030 Topic: at most 32 URL-safe base64 characters, so a hash of the collapse key. */
export function webPushTopic(collapseKey: string): string {
  return createHash("sha256").update(collapseKey).digest("base64url").slice(0, 32);
}

export function webPushProvider(settings: WebPushSettings): PushProvider<"web"> {
  const fetcher = settings.fetcher ?? fetch;
  const now = settings.now ?? Date.now;
  return {
    platform: "web",
    async send(credentials, message): Promise<DeliveryOutcome> {
      const request = webpush.generateRequestDetails(
        credentials.subscription,
        JSON.stringify(message.payload),
        {
          vapidDetails: {
            subject: settings.subject,
            publicKey: settings.publicKey,
            privateKey: settings.privateKey,
          },
          contentEncoding: "aes128gcm",
          TTL: message.ttlSeconds,
          urgency: "high",
          topic: webPushTopic(message.collapseKey),
        },
      );
      const response = await fetcher(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      await response.body?.cancel();
      // 404: unknown subscription, 410: expired or unsubscribed (RFC 8030 §7.3, §6.2).
      if (response.status === 404 || response.status === 410) return "gone";
      if (response.ok) return "delivered";
      throw providerFailure(
        "web push service",
        response.status,
        "",
        retryAfterMs(response.headers.get("retry-after"), now()),
      );
    },
  };
}
