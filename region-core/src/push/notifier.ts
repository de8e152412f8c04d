// The notifier: a consumer-group member on the push topic. Each record is one due push for one user
// (collapsed at the edge). The user's notification settings may suppress it (do not disturb, a
// muted conversation) or strip its preview; otherwise it goes to every registered device of the
// user that has push credentials and was not connected when the edge decided (`skipDeviceIds`). Per device: the provider for its
// platform, retried with the protocol's one retry policy; a subscription or token the provider calls
// gone is removed from the registry; what still fails becomes a dead-letter record (one per device,
// with the reason) instead of blocking the partition. Offsets are committed once every device of a
// record has an outcome, so delivery is at least once (a crash mid-record can repeat a push, which
// the collapse key turns into a replacement on the device, not a second alert). The loop over
// batches is events/keyed-batch.ts, keyed by user.
import {
  ChatError,
  DEFAULT_NOTIFICATION_SETTINGS,
  DEFAULT_RETRY,
  type Device,
  PushEvent,
  parseJson,
  parseWith,
  type RetryPolicy,
} from "@edge-chat/protocol";
import type { DeviceRepository, NotificationSettingsRepository } from "../devices/ports.ts";
import type {
  ConsumedBatch,
  ConsumedRecord,
  EventConsumer,
  EventPublisher,
} from "../events/ports.ts";
import { KeyedBatchRunner } from "../events/keyed-batch.ts";
import { Stopping } from "../events/stoppable-retry.ts";
import { pushMessageOf } from "./message.ts";
import type { DeliveryOutcome, PushMessage, PushProvider } from "./providers/ports.ts";
import { applySettings } from "./settings.ts";

export interface PushProviders {
  web?: PushProvider<"web">;
  apns?: PushProvider<"apns">;
  fcm?: PushProvider<"fcm">;
}

/** What happened to each device, for metrics and tests. */
export type DeviceResult = DeliveryOutcome | "dead-lettered";

export interface NotifierOptions {
  consumer: EventConsumer;
  deadLetters: EventPublisher;
  devices: DeviceRepository;
  settings: NotificationSettingsRepository;
  providers: PushProviders;
  /** Users handled at once within one batch (each user's records stay in order). */
  concurrency: number;
  /** Per device; a push is worth little after a minute of trying, so the default gives up early. */
  retry?: RetryPolicy;
  onResult?: (result: DeviceResult, device: Device) => void;
  /** Once per event: sent to its devices, or suppressed by do-not-disturb or a mute. */
  onEvent?: (event: PushEvent, outcome: "sent" | "do_not_disturb" | "muted") => void;
}

export const PUSH_RETRY: RetryPolicy = {
  ...DEFAULT_RETRY,
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  maxAttempts: 6,
};

const decoder = new TextDecoder("utf-8", { fatal: true });

/** A record's push event, or why it is poison. Pure. */
export function decodePushRecord(
  value: Uint8Array | null,
): { kind: "event"; event: PushEvent } | { kind: "poison"; reason: string } {
  if (value === null || value.length === 0) return { kind: "poison", reason: "empty record" };
  try {
    return { kind: "event", event: parseWith(PushEvent, parseJson(decoder.decode(value))) };
  } catch (error) {
    return { kind: "poison", reason: error instanceof Error ? error.message : "invalid event" };
  }
}

/** The devices one push goes to: registered for push and not connected at decision time. Pure. */
export function pushTargets(devices: readonly Device[], event: PushEvent): Device[] {
  const skip = new Set(event.skipDeviceIds);
  return devices.filter((device) => device.push !== undefined && !skip.has(device.deviceId));
}

export class Notifier {
  private readonly options: NotifierOptions;
  private readonly runner: KeyedBatchRunner<ConsumedRecord>;

  constructor(options: NotifierOptions) {
    this.options = options;
    this.runner = new KeyedBatchRunner<ConsumedRecord>({
      name: "notifier",
      consumer: options.consumer,
      deadLetters: options.deadLetters,
      concurrency: options.concurrency,
      retry: { ...DEFAULT_RETRY, maxDelayMs: 5_000 },
      // One unit per record: each push is delivered on its own, a user's in order.
      plan: (queue) => queue,
      offsetsOf: (record) => [record.offset],
      apply: (batch, record) => this.handleRecord(batch, record),
    });
  }

  async start(): Promise<void> {
    await this.runner.start();
  }

  async stop(): Promise<void> {
    await this.runner.stop();
  }

  private async handleRecord(batch: ConsumedBatch, record: ConsumedRecord): Promise<void> {
    const decoded = decodePushRecord(record.value);
    if (decoded.kind === "poison") {
      await this.runner.deadLetter(batch, record, {
        code: "invalid_request",
        reason: decoded.reason,
      });
      return;
    }
    const settings =
      (await this.runner.retrying(() => this.options.settings.get(decoded.event.userId))) ??
      DEFAULT_NOTIFICATION_SETTINGS;
    const decision = applySettings(decoded.event, settings, Date.now());
    if (decision.kind === "suppress") {
      this.options.onEvent?.(decoded.event, decision.reason);
      return;
    }
    const { event } = decision;
    const devices = await this.runner.retrying(() => this.options.devices.list(event.userId));
    const message = pushMessageOf(event);
    await Promise.all(
      pushTargets(devices, event).map((device) => this.deliver(batch, record, device, message)),
    );
    this.options.onEvent?.(event, "sent");
  }

  private async deliver(
    batch: ConsumedBatch,
    record: ConsumedRecord,
    device: Device,
    message: PushMessage,
  ): Promise<void> {
    let result: DeviceResult;
    try {
      const outcome = await this.runner.retrying(
        () => this.send(device, message),
        this.options.retry ?? PUSH_RETRY,
      );
      if (outcome === "gone") {
        await this.runner.retrying(() =>
          this.options.devices.remove(device.userId, device.deviceId),
        );
      }
      result = outcome;
    } catch (error) {
      if (error instanceof Stopping) throw error;
      await this.runner.deadLetter(batch, record, {
        code: error instanceof ChatError ? error.code : "unavailable",
        reason: error instanceof Error ? error.message : String(error),
        headers: {
          "x-dlq-device": device.deviceId,
          "x-dlq-platform": device.push?.platform ?? "none",
        },
      });
      result = "dead-lettered";
    }
    this.options.onResult?.(result, device);
  }

  private send(device: Device, message: PushMessage): Promise<DeliveryOutcome> {
    const push = device.push;
    const { web, apns, fcm } = this.options.providers;
    // A missing provider is configuration, not a transient failure: no retry, straight to the DLQ.
    const missing = (platform: string) =>
      Promise.reject(new ChatError("permanent_failure", `no ${platform} provider configured`));
    switch (push?.platform) {
      case "web":
        return web ? web.send(push, message) : missing("web push");
      case "apns":
        return apns ? apns.send(push, message) : missing("APNs");
      case "fcm":
        return fcm ? fcm.send(push, message) : missing("FCM");
      default:
        return missing("any");
    }
  }
}
