// The notifier end to end on a real event log: push events published to the push topic (the real
// Kafka of the services harness, and the embedded log), delivered to the three real local endpoints,
// with devices that are connected skipped, a muted conversation suppressed, previews stripped for a
// user who turned them off, gone subscriptions and tokens removed from the registry,
// a transient failure retried, and what cannot be delivered (plus a poison record) dead-lettered.
import { randomUUID } from "node:crypto";
import type { Device, PushCredentials, PushEvent } from "@edge-chat/protocol";
import type { Kafka, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import webpush from "web-push";
import { memoryDevices, memoryNotificationSettings } from "../../src/devices/memory.ts";
import type { DeviceRepository } from "../../src/devices/ports.ts";
import { EmbeddedLog } from "../../src/events/embedded-log.ts";
import {
  connectProducer,
  createKafka,
  ensureTopics,
  kafkaConsumer,
  kafkaPublisher,
} from "../../src/events/kafka.ts";
import type { ConsumedRecord, EventConsumer, EventPublisher } from "../../src/events/ports.ts";
import { type DeviceResult, Notifier } from "../../src/push/notifier.ts";
import { apnsProvider } from "../../src/push/providers/apns.ts";
import { fcmProvider } from "../../src/push/providers/fcm.ts";
import { webPushProvider } from "../../src/push/providers/web-push.ts";
import { waitFor } from "../fixtures.ts";
import { deleteTopics, RUN } from "../real.ts";
import {
  FCM_UNREGISTERED,
  startApnsServer,
  startFcmServer,
  startWebPushService,
} from "./endpoints.ts";

interface Log {
  publisher(topic: string): EventPublisher;
  consumer(topic: string, groupId: string): EventConsumer;
  topic(): Promise<string>;
}

let web: Awaited<ReturnType<typeof startWebPushService>>;
let apns: Awaited<ReturnType<typeof startApnsServer>>;
let fcm: Awaited<ReturnType<typeof startFcmServer>>;
const vapid = webpush.generateVAPIDKeys();

beforeAll(async () => {
  [web, apns, fcm] = await Promise.all([
    startWebPushService(),
    startApnsServer(),
    startFcmServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([web?.close(), apns?.close(), fcm?.close()]);
});

function device(userId: string, name: string, push: PushCredentials): Device {
  return {
    deviceId: randomUUID(),
    userId,
    name,
    role: "companion",
    push,
    createdAt: 1,
    lastActiveAt: 1,
  };
}

function pushEvent(userId: string, skipDeviceIds: string[]): PushEvent {
  return {
    type: "push",
    pushId: randomUUID(),
    userId,
    conversationId: "g:launch",
    kind: "group",
    name: "Launch",
    count: 4,
    lastSeq: 40,
    senderId: "alice",
    lastMessageKind: "text",
    preview: "ship it",
    unread: 4,
    at: 1_700_000_000_000,
    skipDeviceIds,
  };
}

function scenario(name: string, log: () => Log): void {
  it(`${name}: delivers to offline devices, skips connected ones, drops gone ones, dead-letters the rest`, async () => {
    const user = `bob-${randomUUID().slice(0, 8)}`;
    const apnsToken = (n: number) => `${randomUUID().replaceAll("-", "")}${n}`.padEnd(64, "0");
    const browser = web.subscribe();
    const connected = web.subscribe();
    const expired = web.subscribe();
    const flaky = web.subscribe();
    web.behaviours.set(expired.id, { kind: "fail", status: 410 });
    web.behaviours.set(flaky.id, { kind: "fail", status: 503, times: 2 });
    const phone = apnsToken(1);
    const badPayload = apnsToken(2);
    apns.behaviours.set(badPayload, { kind: "fail", status: 400, body: "PayloadTooLarge" });
    const android = `fcm-${randomUUID()}`;
    const androidGone = `fcm-${randomUUID()}`;
    fcm.behaviours.set(androidGone, { kind: "fail", status: 404, body: FCM_UNREGISTERED });

    const devices: DeviceRepository = memoryDevices();
    const all = {
      browser: device(user, "browser", { platform: "web", subscription: browser.subscription }),
      connected: device(user, "laptop", { platform: "web", subscription: connected.subscription }),
      expired: device(user, "old tab", { platform: "web", subscription: expired.subscription }),
      flaky: device(user, "flaky", { platform: "web", subscription: flaky.subscription }),
      phone: device(user, "iPhone", {
        platform: "apns",
        token: phone,
        topic: "com.example.chat",
        environment: "production",
      }),
      badPayload: device(user, "iPad", {
        platform: "apns",
        token: badPayload,
        topic: "com.example.chat",
        environment: "sandbox",
      }),
      android: device(user, "Pixel", { platform: "fcm", token: android }),
      androidGone: device(user, "old Pixel", { platform: "fcm", token: androidGone }),
    };
    for (const d of Object.values(all)) await devices.put(d);

    const events = log();
    const topic = await events.topic();
    const dlqTopic = await events.topic();
    const results = new Map<string, DeviceResult>();
    const outcomes = new Map<string, string>();
    // Carol muted the conversation; Dave turned previews off.
    const settings = memoryNotificationSettings();
    const carol = `carol-${randomUUID().slice(0, 8)}`;
    const dave = `dave-${randomUUID().slice(0, 8)}`;
    await settings.put(carol, { previews: true, muted: { "g:launch": {} } });
    await settings.put(dave, { previews: false, muted: {} });
    const carolTab = web.subscribe();
    const daveTab = web.subscribe();
    await devices.put(
      device(carol, "tab", { platform: "web", subscription: carolTab.subscription }),
    );
    await devices.put(device(dave, "tab", { platform: "web", subscription: daveTab.subscription }));
    const apnsClient = apnsProvider({
      ...apns.credentials,
      origins: { production: apns.origin, sandbox: apns.origin },
      ca: apns.ca,
      timeoutMs: 5_000,
    });
    const notifier = new Notifier({
      consumer: events.consumer(topic, `notifier-${topic}`),
      deadLetters: events.publisher(dlqTopic),
      devices,
      settings,
      providers: {
        web: webPushProvider({
          publicKey: vapid.publicKey,
          privateKey: vapid.privateKey,
          subject: "mailto:ops@edge-chat.example",
          timeoutMs: 5_000,
        }),
        apns: apnsClient,
        fcm: fcmProvider({ account: fcm.account, origin: fcm.origin, timeoutMs: 5_000 }),
      },
      concurrency: 4,
      retry: { initialDelayMs: 5, factor: 2, maxDelayMs: 50, maxAttempts: 4 },
      onResult: (result, d) => results.set(d.deviceId, result),
      onEvent: (e, outcome) => outcomes.set(e.userId, outcome),
    });
    const dead: ConsumedRecord[] = [];
    const dlqReader = events.consumer(dlqTopic, `dlq-${dlqTopic}`);
    try {
      await notifier.start();
      await dlqReader.run(async (batch) => {
        for (const record of batch.records) {
          dead.push(record);
          batch.resolveOffset(record.offset);
        }
        await batch.commitOffsetsIfNecessary();
      });
      const event = pushEvent(user, [all.connected.deviceId]);
      const publisher = events.publisher(topic);
      await publisher.publish([{ key: user, value: JSON.stringify(event) }]);
      await publisher.publish([{ key: user, value: "{not json" }]);
      await publisher.publish([
        { key: carol, value: JSON.stringify(pushEvent(carol, [])) },
        { key: dave, value: JSON.stringify(pushEvent(dave, [])) },
      ]);

      // Every device but the connected one gets an outcome; the DLQ gets the poison record and
      // the device whose payload APNs refuses.
      await waitFor(() => results.size === 8 && dead.length === 2 && outcomes.size === 3);
      expect(outcomes.get(carol)).toBe("muted");
      expect(web.received.some((r) => r.id === carolTab.id)).toBe(false);
      const daves = web.received.filter((r) => r.id === daveTab.id).map((r) => r.payload);
      expect(daves).toHaveLength(1);
      expect(daves[0]).not.toHaveProperty("preview");
      expect(daves[0]).not.toHaveProperty("senderId");
      expect(daves[0]).toMatchObject({ conversationId: "g:launch", count: 4 });
      expect(
        Object.fromEntries(Object.entries(all).map(([k, d]) => [k, results.get(d.deviceId)])),
      ).toEqual({
        browser: "delivered",
        connected: undefined,
        expired: "gone",
        flaky: "delivered",
        phone: "delivered",
        badPayload: "dead-lettered",
        android: "delivered",
        androidGone: "gone",
      });
      const payload = {
        conversationId: "g:launch",
        kind: "group",
        name: "Launch",
        count: 4,
        unread: 4,
        lastSeq: 40,
        senderId: "alice",
        lastMessageKind: "text",
        preview: "ship it",
        at: 1_700_000_000_000,
      };
      for (const client of [browser, flaky]) {
        expect(web.received.filter((r) => r.id === client.id).map((r) => r.payload)).toEqual([
          payload,
        ]);
      }
      expect(web.received.some((r) => r.id === connected.id)).toBe(false);
      expect(apns.received.filter((r) => r.token === phone).map((r) => r.body.aps.alert)).toEqual([
        { title: "Launch", body: "alice: ship it (+3)" },
      ]);
      expect(fcm.received.filter((r) => r.token === android)).toHaveLength(1);

      const left = (await devices.list(user)).map((d) => d.name).sort();
      expect(left).toEqual(["Pixel", "browser", "flaky", "iPad", "iPhone", "laptop"]);

      const reasons = dead.map((r) => ({
        code: r.headers["x-dlq-code"],
        device: r.headers["x-dlq-device"],
        platform: r.headers["x-dlq-platform"],
      }));
      // The provider's 4xx is an internal permanent failure; the undecodable record is bad input.
      expect(reasons).toContainEqual({
        code: "permanent_failure",
        device: all.badPayload.deviceId,
        platform: "apns",
      });
      expect(reasons).toContainEqual({
        code: "invalid_request",
        device: undefined,
        platform: undefined,
      });
    } finally {
      await notifier.stop();
      await dlqReader.stop();
      apnsClient.close();
    }
  });
}

describe("notifier on the embedded log", () => {
  const log = new EmbeddedLog({ partitions: 3 });
  scenario("embedded", () => ({
    publisher: (topic) => log.publisher(topic),
    consumer: (topic, groupId) => log.consumer(topic, groupId),
    topic: async () => `push-${randomUUID().slice(0, 8)}`,
  }));
});

describe("notifier on real Kafka", () => {
  const services = inject("services");
  let kafka: Kafka;
  let producer: Producer;
  const topics: string[] = [];
  beforeAll(async () => {
    kafka = createKafka({ brokers: services.kafka.brokers, clientId: `notifier-${RUN}` });
    producer = await connectProducer(kafka);
  });
  afterAll(async () => {
    await producer?.disconnect();
    if (topics.length > 0) await deleteTopics(kafka, topics);
  });
  scenario("kafka", () => ({
    publisher: (topic) => kafkaPublisher(producer, topic),
    consumer: (topic, groupId) =>
      kafkaConsumer(kafka, { topic, groupId, partitionsConsumedConcurrently: 2 }),
    topic: async () => {
      const topic = `push-${RUN}-${randomUUID().slice(0, 6)}`;
      await ensureTopics(kafka, [topic], 3, 1);
      topics.push(topic);
      return topic;
    },
  }));
});
