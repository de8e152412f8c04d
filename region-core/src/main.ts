// Entry point and the one place that wires a region together: config → adapters (embedded or real)
// → persister and HTTP server, plus graceful shutdown on SIGTERM/SIGINT. `startRegion` is exported so
// integration tests can run several regions in one process.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { backoffDelay, DEFAULT_RETRY } from "@edge-chat/protocol";
import { createApp } from "./app.ts";
import { type Config, loadConfig } from "./config.ts";
import { memoryDevices, memoryNotificationSettings } from "./devices/memory.ts";
import type { DeviceRepository, NotificationSettingsRepository } from "./devices/ports.ts";
import { EmbeddedLog } from "./events/embedded-log.ts";
import {
  connectProducer,
  createKafka,
  ensureTopics,
  type KafkaConsumerSettings,
  kafkaConsumer,
  mainThreadProducer,
} from "./events/kafka.ts";
import { connectPlatformaticProducer } from "./events/platformatic.ts";
import { platformaticConsumer } from "./events/platformatic-consumer.ts";
import type { EventConsumer, EventPublisher } from "./events/ports.ts";
import { instrumentConsumer, instrumentPublisher, instrumentRepositories } from "./instrument.ts";
import { withCdnDownloads } from "./media/cdn.ts";
import { s3MediaStore } from "./media/s3.ts";
import { startUploadSweeper } from "./media/sweeper.ts";
import { ffmpegPath, ffmpegVideoProbe } from "./media/verify/poster.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { Persister } from "./persister/persister.ts";
import { Notifier } from "./push/notifier.ts";
import { createProviders } from "./push/providers/index.ts";
import { memoryRepositories } from "./repositories/memory.ts";
import type { Repositories } from "./repositories/ports.ts";
import { sharedStoreRepositories } from "./repositories/shared/client.ts";

export interface RunningRegion {
  config: Config;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:8788. */
  url: string;
  metrics: Metrics;
  repositories: Repositories;
  persister: Persister | null;
  /** "joining" until the persister's consumer has joined its group, then "running"; "off" if disabled. */
  consumerState(): ConsumerState;
  /** Graceful: refuse new requests, drain in-flight ones, finish persister writes, disconnect. */
  stop(): Promise<void>;
}

export type ConsumerState = "off" | "joining" | "running";

interface Adapters {
  publisher: EventPublisher;
  deadLetters: EventPublisher;
  consumer: () => EventConsumer;
  repositories: Repositories;
  push: {
    publisher: EventPublisher;
    deadLetters: EventPublisher;
    consumer: () => EventConsumer;
    devices: DeviceRepository;
    settings: NotificationSettingsRepository;
  };
  close(): Promise<void>;
}

async function embeddedAdapters(config: Config): Promise<Adapters> {
  const log = new EmbeddedLog({ partitions: config.kafka.partitions });
  // With the shared store (npm start), the regions share messages and the device registry.
  const shared = config.embeddedStoreUrl
    ? await sharedStoreRepositories(config.embeddedStoreUrl, config.regionId)
    : undefined;
  return {
    publisher: log.publisher(config.kafka.topic),
    deadLetters: log.publisher(config.kafka.dlqTopic),
    consumer: () => log.consumer(config.kafka.topic, config.kafka.groupId),
    repositories: shared ?? memoryRepositories(),
    push: {
      publisher: log.publisher(config.push.topic),
      deadLetters: log.publisher(config.push.dlqTopic),
      consumer: () => log.consumer(config.push.topic, config.push.notifier.groupId),
      devices: shared?.devices ?? memoryDevices(),
      settings: shared?.notificationSettings ?? memoryNotificationSettings(),
    },
    close: async () => {},
  };
}

async function realAdapters(config: Config, metrics: Metrics): Promise<Adapters> {
  const { cassandraDevices, cassandraNotificationSettings } = await import(
    "./devices/cassandra.ts"
  );
  const started = Date.now();
  const kafkaSettings = {
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    security: config.kafka.security,
  };
  const kafka = createKafka(kafkaSettings);
  const consumerFor = (settings: KafkaConsumerSettings): EventConsumer =>
    config.kafka.consumerClient === "platformatic"
      ? platformaticConsumer(kafkaSettings, {
          ...settings,
          groupInstanceId: config.kafka.groupInstanceId,
        })
      : kafkaConsumer(kafka, settings);
  // Kafka and Cassandra side by side: a restart is as slow as the slower of the two, not their sum.
  const kafkaReady = (async () => {
    await ensureTopics(
      kafka,
      [config.kafka.topic, config.kafka.dlqTopic, config.push.topic, config.push.dlqTopic],
      config.kafka.partitions,
      config.kafka.replicationFactor,
    );
    const producer =
      config.kafka.producer === "platformatic"
        ? await connectPlatformaticProducer(kafkaSettings)
        : mainThreadProducer(await connectProducer(kafka));
    return { producer, ms: Date.now() - started };
  })();
  const cassandraReady = (async () => {
    const { connectCassandra } = await import("./repositories/cassandra/index.ts");
    const cassandra = await connectCassandra(config.cassandra, metrics);
    return { cassandra, ms: Date.now() - started };
  })();
  const [{ producer, ms: kafkaMs }, { cassandra, ms: cassandraMs }] = await Promise.all([
    kafkaReady,
    cassandraReady,
  ]);
  console.log(
    `region-core ${config.regionId}: Kafka producer ready in ${kafkaMs} ms, Cassandra in ${cassandraMs} ms (process up ${Math.round(process.uptime() * 1000)} ms)`,
  );
  return {
    publisher: producer.publisher(config.kafka.topic),
    deadLetters: producer.publisher(config.kafka.dlqTopic),
    consumer: () =>
      consumerFor({
        topic: config.kafka.topic,
        groupId: config.kafka.groupId,
        partitionsConsumedConcurrently: config.persister.partitionsConcurrently,
        ...config.kafka.consumer,
      }),
    repositories: cassandra.repositories,
    push: {
      publisher: producer.publisher(config.push.topic),
      deadLetters: producer.publisher(config.push.dlqTopic),
      consumer: () =>
        consumerFor({
          topic: config.push.topic,
          groupId: config.push.notifier.groupId,
          partitionsConsumedConcurrently: config.persister.partitionsConcurrently,
        }),
      devices: cassandraDevices(cassandra.session),
      settings: cassandraNotificationSettings(cassandra.session),
    },
    close: async () => {
      await producer.close();
      await cassandra.close();
    },
  };
}

/** Every port timed into the region's histograms (see instrument.ts). */
function instrumentAdapters(adapters: Adapters, config: Config, metrics: Metrics): Adapters {
  return {
    ...adapters,
    publisher: instrumentPublisher(adapters.publisher, metrics, config.kafka.topic),
    deadLetters: instrumentPublisher(adapters.deadLetters, metrics, config.kafka.dlqTopic, {
      deadLetters: true,
    }),
    consumer: () => instrumentConsumer(adapters.consumer(), metrics),
    repositories: instrumentRepositories(adapters.repositories, metrics),
  };
}

export async function startRegion(config: Config): Promise<RunningRegion> {
  const metrics = createMetrics(config.regionId);
  const adapters = instrumentAdapters(
    config.adapters === "real"
      ? await realAdapters(config, metrics)
      : await embeddedAdapters(config),
    config,
    metrics,
  );

  const s3 = s3MediaStore(config.media.s3);
  const store = config.media.cdn ? withCdnDownloads(s3, config.media.cdn) : s3;
  const persister = config.persister.enabled
    ? new Persister({
        consumer: adapters.consumer(),
        deadLetters: adapters.deadLetters,
        repositories: adapters.repositories,
        metrics,
        concurrency: config.persister.concurrency,
        maxUnknownAttempts: config.persister.maxUnknownAttempts,
        media: s3,
      })
    : null;
  // The consumer joins its group in the background: ingest needs only the producer, and a join can
  // take a session timeout when the previous member died without leaving. Until it has joined,
  // records wait in Kafka (the edge has already been answered), so nothing is lost by serving first.
  let consumerState: ConsumerState = persister ? "joining" : "off";
  const stopSignal = new AbortController();
  const joined = persister
    ? startInBackground(persister, "persister", config.regionId, stopSignal.signal).then((ok) => {
        if (ok) consumerState = "running";
      })
    : Promise.resolve();

  const sweeper =
    config.media.sweep.intervalSeconds > 0
      ? startUploadSweeper({
          store: s3,
          maxAgeMs: config.media.sweep.maxAgeSeconds * 1000,
          intervalMs: config.media.sweep.intervalSeconds * 1000,
          log: (line) => console.log(`region-core ${config.regionId}: ${line}`),
        })
      : null;
  const ffmpeg = config.media.videoPosters ? ffmpegPath() : null;
  if (config.media.videoPosters && !ffmpeg) {
    console.warn("region-core: no ffmpeg package for this platform; videos get no poster frame");
  }
  const push = createProviders(config.push);
  const notifier = config.push.notifier.enabled
    ? new Notifier({
        consumer: adapters.push.consumer(),
        deadLetters: adapters.push.deadLetters,
        devices: adapters.push.devices,
        settings: adapters.push.settings,
        providers: push.providers,
        concurrency: config.push.notifier.concurrency,
        onEvent: (_event, outcome) => metrics.pushEvents.inc({ outcome }),
        onResult: (result, device) =>
          metrics.pushDeliveries.inc({ platform: device.push?.platform ?? "none", result }),
      })
    : null;
  // Like the persister, the notifier joins its group in the background: pushes wait in Kafka.
  const notifierJoined = notifier
    ? startInBackground(notifier, "notifier", config.regionId, stopSignal.signal)
    : Promise.resolve(false);

  let accepting = true;
  const app = createApp({
    regionId: config.regionId,
    auth: { keys: config.auth.keys, clockSkewSeconds: config.auth.clockSkewSeconds },
    publisher: adapters.publisher,
    repositories: adapters.repositories,
    metrics,
    media: {
      store,
      ...(ffmpeg ? { videoProbe: ffmpegVideoProbe(ffmpeg) } : {}),
      uploadTtlSeconds: config.media.uploadTtlSeconds,
      downloadTtlSeconds: config.media.downloadTtlSeconds,
    },
    devices: {
      repository: adapters.push.devices,
      limits: config.push.deviceLimits,
      settings: adapters.push.settings,
    },
    pushPublisher: adapters.push.publisher,
    webPushPublicKey: config.push.webPush?.publicKey,
    accepting: () => accepting,
    consumerState: () => consumerState,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.http.host, port: config.http.port }, () =>
      resolve(s),
    );
  });
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      accepting = false;
      // close() stops accepting connections and resolves once in-flight requests have answered
      // (an ingest answers only after its publish resolved); idle keep-alive sockets are closed.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      await closed;
      stopSignal.abort();
      await persister?.stop();
      await joined;
      await notifierJoined;
      await notifier?.stop();
      push.close();
      await adapters.close();
      sweeper?.stop();
      store.close();
    })();
    return stopping;
  };

  return {
    config,
    url: `http://${config.http.host}:${port}`,
    metrics,
    repositories: adapters.repositories,
    persister,
    consumerState: () => consumerState,
    stop,
  };
}

/**
 * Starts a consumer (the persister, the notifier), retrying with backoff while the event log cannot
 * be reached (Kafka down at start-up); gives up only when the region stops. Resolves true once it
 * runs.
 */
async function startInBackground(
  consumer: { start(): Promise<void> },
  name: string,
  regionId: string,
  stopped: AbortSignal,
): Promise<boolean> {
  const started = Date.now();
  for (let attempt = 0; !stopped.aborted; attempt++) {
    try {
      await consumer.start();
      if (stopped.aborted) return false;
      console.log(
        `region-core ${regionId}: ${name} joined its group in ${Date.now() - started} ms`,
      );
      return true;
    } catch (error) {
      if (stopped.aborted) return false;
      const delay = backoffDelay(attempt, { ...DEFAULT_RETRY, maxDelayMs: 5_000 });
      console.warn(
        `region-core ${regionId}: ${name} could not start (${String(error)}); retrying in ${delay} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return false;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.auth.keys.kind === "none") {
    console.warn("region-core: no SERVICE_JWKS configured; every /v1 request will be refused");
  }
  const region = await startRegion(config);
  console.log(`region-core ${config.regionId} (${config.adapters}) listening on ${region.url}`);
  const shutdown = (signal: string) => {
    console.log(`region-core ${config.regionId}: ${signal}, draining`);
    const timer = setTimeout(() => {
      console.error("region-core: shutdown timed out");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    region.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("region-core: shutdown failed", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error("region-core: failed to start", error);
    process.exit(1);
  });
}
