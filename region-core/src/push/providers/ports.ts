// What every push provider (Web Push, APNs, FCM) offers the notifier: deliver one payload to one
// device. The answer is "delivered" or "gone" (the provider says the subscription or token no longer
// exists, so the registry drops it); anything else is thrown as a ChatError whose `retriable` the
// notifier's one retry policy follows (`unavailable` for 429/5xx/network, `invalid_request` when
// retrying cannot help, which ends in the dead-letter topic).
import { ChatError, type PushCredentials, type PushPayload } from "@edge-chat/protocol";

export type DeliveryOutcome = "delivered" | "gone";

export interface PushMessage {
  payload: PushPayload;
  /** Title and body shown by the OS when the app is not running (already privacy-filtered). */
  alert: { title: string; body: string };
  /** One notification per conversation on the device: a newer one replaces the older. */
  collapseKey: string;
  /** Seconds the provider may keep trying to reach an offline device. */
  ttlSeconds: number;
}

export interface PushProvider<P extends PushCredentials["platform"] = PushCredentials["platform"]> {
  readonly platform: P;
  send(
    credentials: Extract<PushCredentials, { platform: P }>,
    message: PushMessage,
  ): Promise<DeliveryOutcome>;
}

/** Reads a Retry-After header (seconds or an HTTP date) into milliseconds, if present. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The status classes every provider shares: throttled or failing on their side is retriable. */
export function providerFailure(
  provider: string,
  status: number,
  reason: string,
  retryAfter?: number,
): ChatError {
  const retriable = status === 429 || status >= 500;
  const options = retryAfter !== undefined ? { retryAfterMs: retryAfter } : {};
  return new ChatError(
    retriable ? "unavailable" : "permanent_failure",
    `${provider} answered ${status}${reason ? ` ${reason}` : ""}`,
    options,
  );
}
