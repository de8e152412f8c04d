// The notifier: a consumer-group member on the push topic. Each record is one due push for one user
// (collapsed at the edge). The user's notification settings may suppress it (do not disturb, a
// muted conversation) or strip its preview; otherwise it goes to every registered device of the
// user that has push credentials and was not connected when the edge decided (`skipDeviceIds`). Per device: the provider for its
// platform, retried with the protocol's one retry policy; a subscription or token the provider calls
// gone is removed from the registry; what still fails becomes a dead-letter record (one per device,
// with the reason) instead of blocking the partition. Offsets are committed once every device of a
// record has an outcome, so delivery is at least once (a crash mid-record can repeat a push, which
// the collapse key turns into a replacement on the device, not a second alert).
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
import { retryUntilStopped, Stopping } from "../events/stoppable-retry.ts";
import { committableOffset, groupByKey, runBounded } from "../persister/plan.ts";
import { deadLetterHeaders } from "../persister/records.ts";
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
  private readonly stopSignal = new AbortController();

  constructor(options: NotifierOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    await this.options.consumer.run((batch) => this.handleBatch(batch));
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.options.consumer.stop();
  }

  private async handleBatch(batch: ConsumedBatch): Promise<void> {
    const done = new Set<string>();
    const queues = groupByKey(batch.records, (record) => record.key ?? "");
    await runBounded(queues, this.options.concurrency, async (queue) => {
      for (const record of queue) {
        if (!batch.isRunning() || batch.isStale()) return;
        try {
          await this.handleRecord(batch, record);
          done.add(record.offset);
        } catch (error) {
          if (!(error instanceof Stopping)) console.error("notifier: record abandoned", error);
          return;
        }
      }
    });
    const offset = committableOffset(
      batch.records.map((r) => r.offset),
      done,
    );
    if (offset !== null && !batch.isStale()) {
      batch.resolveOffset(offset);
      await batch.commitOffsetsIfNecessary();
    }
  }

  private async handleRecord(batch: ConsumedBatch, record: ConsumedRecord): Promise<void> {
    const decoded = decodePushRecord(record.value);
    if (decoded.kind === "poison") {
      await this.deadLetter(batch, record, {}, "invalid_request", decoded.reason);
      return;
    }
    const settings =
      (await this.retrying(() => this.options.settings.get(decoded.event.userId))) ??
      DEFAULT_NOTIFICATION_SETTINGS;
    const decision = applySettings(decoded.event, settings, Date.now());
    if (decision.kind === "suppress") {
      this.options.onEvent?.(decoded.event, decision.reason);
      return;
    }
    const { event } = decision;
    const devices = await this.retrying(() => this.options.devices.list(event.userId));
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
      const outcome = await this.retrying(
        () => this.send(device, message),
        this.options.retry ?? PUSH_RETRY,
      );
      if (outcome === "gone") {
        await this.retrying(() => this.options.devices.remove(device.userId, device.deviceId));
      }
      result = outcome;
    } catch (error) {
      if (error instanceof Stopping) throw error;
      const code = error instanceof ChatError ? error.code : "unavailable";
      const reason = error instanceof Error ? error.message : String(error);
      await this.deadLetter(
        batch,
        record,
        { "x-dlq-device": device.deviceId, "x-dlq-platform": device.push?.platform ?? "none" },
        code,
        reason,
      );
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

  private async deadLetter(
    batch: ConsumedBatch,
    record: ConsumedRecord,
    extra: Record<string, string>,
    code: string,
    reason: string,
  ): Promise<void> {
    const headers = {
      ...record.headers,
      ...deadLetterHeaders({
        topic: batch.topic,
        partition: batch.partition,
        offset: record.offset,
        reason,
        code,
      }),
      ...extra,
    };
    await this.retrying(() =>
      this.options.deadLetters.publish([{ key: record.key ?? "", value: record.value, headers }]),
    );
  }

  /** withRetry with a sleep that gives up when the notifier stops. */
  private retrying<T>(
    operation: (attempt: number) => Promise<T>,
    policy: RetryPolicy = { ...DEFAULT_RETRY, maxDelayMs: 5_000 },
  ): Promise<T> {
    return retryUntilStopped(this.stopSignal.signal, policy, operation);
  }
}
