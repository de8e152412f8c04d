// Builds the providers the configuration has credentials for; the notifier routes by platform.
import type { PushConfig } from "../../config.ts";
import type { PushProviders } from "../notifier.ts";
import { apnsProvider } from "./apns.ts";
import { fcmProvider } from "./fcm.ts";
import { webPushProvider } from "./web-push.ts";

export function createProviders(config: PushConfig): { providers: PushProviders; close(): void } {
  const providers: PushProviders = {};
  if (config.webPush) {
    providers.web = webPushProvider({ ...config.webPush, timeoutMs: config.timeoutMs });
  }
  const apns = config.apns ? apnsProvider({ ...config.apns, timeoutMs: config.timeoutMs }) : null;
  if (apns) providers.apns = apns;
  if (config.fcm) providers.fcm = fcmProvider({ account: config.fcm, timeoutMs: config.timeoutMs });
  return { providers, close: () => apns?.close() };
}
