// Environment → typed, validated configuration, parsed once at start-up. Everything that can vary
// between regions or deployments lives here, with the default that makes `npm start` work alone.
import { type CqlConfig, CqlError, parseCqlConfig } from "@edge-chat/cql";
import { ChatError, DEVICE_LIMITS, jsonText } from "@edge-chat/protocol";
import { hostname } from "node:os";
import { z } from "zod";
import { type KafkaSecurity, SASL_MECHANISMS } from "./events/kafka-security.ts";
import type { CdnConfig } from "./media/cdn.ts";
import { FcmServiceAccount } from "./push/providers/fcm.ts";

const list = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  )
  .pipe(z.array(z.string().min(1)).min(1));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((text) => text === "true" || text === "1" || text === "yes");

/**
 * Consistency levels for every read and write. LOCAL_* stay inside the region's datacenter; QUORUM
 * is allowed for a deliberate cross-region setup. EACH_QUORUM is left out: Cassandra refuses it for
 * reads.
 */
export const CONSISTENCY_LEVELS = ["LOCAL_QUORUM", "LOCAL_ONE", "QUORUM"] as const;

/** A JWK or a JWK Set, as JSON text: the edge's public key(s) for service tokens. */
const jwks = jsonText(
  z.union([
    z.object({ keys: z.array(z.looseObject({ kty: z.string() })).min(1) }),
    z.looseObject({ kty: z.string() }).transform((key) => ({ keys: [key] })),
  ]),
);

const Env = z.object({
  REGION_ID: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("local"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(0, 65_535).default(8788),
  ADAPTERS: z.enum(["embedded", "real"]).default("embedded"),
  // ADAPTERS=embedded only: the shared embedded store (repositories/shared) every simulated region
  // uses, so they behave like one cluster; unset, the region keeps its storage in its own memory.
  EMBEDDED_STORE_URL: z.url({ protocol: /^http$/ }).optional(),

  KAFKA_BROKERS: list.default(["127.0.0.1:9092"]),
  KAFKA_TOPIC: z.string().min(1).default("edge-chat.events"),
  KAFKA_DLQ_TOPIC: z.string().min(1).default("edge-chat.events.dlq"),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  KAFKA_GROUP_ID: z.string().min(1).optional(),
  KAFKA_PARTITIONS: int(1, 1024).default(12),
  KAFKA_REPLICATION_FACTOR: int(1, 7).default(1),
  // The producer's client: @platformatic/kafka (events/platformatic.ts) or kafkajs
  // (events/kafka.ts), the same guarantees behind the same port. In one run of bench/src/ingest.ts
  // the ingest API published 1.3-2.7x as many events/s with platformatic (it encodes batches with
  // less work); both pass test/kafka-replication.test.ts. (A kafkajs producer on a worker thread
  // was tried before: no faster, and that test found it losing acknowledged records; it is gone.)
  KAFKA_PRODUCER: z.enum(["kafkajs", "platformatic"]).default("platformatic"),
  // Client security (events/kafka-security.ts): TLS with the system's CAs or KAFKA_TLS_CA (PEM),
  // SASL with a username and password; PLAIN only over TLS.
  KAFKA_TLS: bool.default(false),
  KAFKA_TLS_CA: z
    .string()
    .refine((pem) => pem.includes("-----BEGIN CERTIFICATE-----"), "must be PEM certificates")
    .optional(),
  KAFKA_SASL_MECHANISM: z.enum(["none", ...SASL_MECHANISMS]).default("none"),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  // The persister's group membership. A member that dies without leaving (SIGKILL, a broker restart
  // that drops its session) holds its partitions until the session times out, so the timeout is
  // the floor of recovery: 6 s is the broker's default group.min.session.timeout.ms. kafkajs
  // heartbeats only between fetches, hence the short fetch wait (it adds no latency: a fetch
  // returns as soon as a record arrives).
  KAFKA_SESSION_TIMEOUT_MS: int(1_000, 300_000).default(6_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: int(100, 60_000).default(1_000),
  KAFKA_REBALANCE_TIMEOUT_MS: int(1_000, 300_000).default(15_000),
  KAFKA_FETCH_MAX_WAIT_MS: int(10, 60_000).default(1_000),
  // The consumers' client (events/platformatic-consumer.ts or kafka.ts). platformatic has static
  // membership: group.instance.id is the client id plus a slot, so a restarted process takes its
  // partitions back without a rebalance. Two live processes of one region must never share a slot
  // (the broker fences one, which rejoins and fences the other, forever), so the default slot is
  // this host and port, stable across restarts and distinct for processes side by side; set
  // KAFKA_INSTANCE_SLOT where hosts are not stable (e.g. a StatefulSet ordinal). Figures:
  // chaos/README.md.
  KAFKA_CONSUMER: z.enum(["kafkajs", "platformatic"]).default("platformatic"),
  KAFKA_INSTANCE_SLOT: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, '.', '_' or '-' (at most 100)")
    .optional(),

  // Contact points, local DC, keyspace, replication and credentials are @edge-chat/cql's settings
  // (parseCqlConfig), so the migration runner and the repositories can never disagree.
  CASSANDRA_CONSISTENCY: z.enum(CONSISTENCY_LEVELS).default("LOCAL_QUORUM"),
  CASSANDRA_MIGRATE: bool.default(true),

  SERVICE_JWKS: jwks.optional(),
  SERVICE_JWKS_URL: z.url().optional(),
  AUTH_CLOCK_SKEW_SECONDS: int(0, 300).default(10),

  // Object storage for media. The endpoint is the one clients upload to and download from: the
  // signed URLs name its host. Unset values default per ADAPTERS (see LOCAL_S3 below).
  MEDIA_BUCKET: z.string().min(3).max(63).default("edge-chat-media"),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.optional(),
  S3_SIGN_CONTENT_LENGTH: bool.default(true),
  // Downloads signed for another host than uploads: the local CDN cache (npm start) in front of
  // the store, which checks the same signatures.
  S3_DOWNLOAD_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  MEDIA_UPLOAD_URL_TTL_SECONDS: int(1, 3600).default(300),
  MEDIA_DOWNLOAD_URL_TTL_SECONDS: int(1, 3600).default(300),
  // Raw uploads (never what a message references) are deleted this long after their PUT.
  MEDIA_UPLOAD_MAX_AGE_SECONDS: int(60, 30 * 24 * 3600).default(24 * 3600),
  MEDIA_SWEEP_INTERVAL_SECONDS: int(0, 24 * 3600).default(3600),
  MEDIA_VIDEO_POSTERS: bool.default(true),
  // Downloads through CloudFront (terraform/modules/region/cdn.tf): all three, or none.
  MEDIA_CDN_URL: z.url({ protocol: /^https?$/ }).optional(),
  MEDIA_CDN_KEY_PAIR_ID: z.string().min(1).optional(),
  MEDIA_CDN_PRIVATE_KEY: z.string().includes("PRIVATE KEY").optional(),
  MEDIA_CDN_WINDOW_SECONDS: int(1, 3600).default(60),

  PERSISTER_ENABLED: bool.default(true),
  PERSISTER_CONCURRENCY: int(1, 256).default(16),
  PERSISTER_PARTITIONS_CONCURRENTLY: int(1, 64).default(4),
  PERSISTER_MAX_UNKNOWN_ATTEMPTS: int(1, 1000).default(5),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(15_000),

  // Push: the topic the edge's due pushes arrive on, and the providers' credentials. A provider
  // without credentials is off; its devices' pushes go to the push dead-letter topic.
  PUSH_TOPIC: z.string().min(1).default("edge-chat.push"),
  PUSH_DLQ_TOPIC: z.string().min(1).default("edge-chat.push.dlq"),
  NOTIFIER_ENABLED: bool.default(true),
  NOTIFIER_GROUP_ID: z.string().min(1).optional(),
  NOTIFIER_CONCURRENCY: int(1, 256).default(16),
  PUSH_TIMEOUT_MS: int(100, 120_000).default(10_000),
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/)
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:)/)
    .default("mailto:push@edge-chat.invalid"),
  APNS_KEY: z.string().includes("PRIVATE KEY").optional(),
  APNS_KEY_ID: z.string().min(1).optional(),
  APNS_TEAM_ID: z.string().min(1).optional(),
  FCM_SERVICE_ACCOUNT: jsonText(FcmServiceAccount).optional(),
  DEVICES_MAX_PHONES: int(0, 16).default(DEVICE_LIMITS.phones),
  DEVICES_MAX_COMPANIONS: int(0, 64).default(DEVICE_LIMITS.companions),
});

export type ServiceKeys =
  | { kind: "jwks"; jwks: { keys: Array<Record<string, unknown> & { kty: string }> } }
  | { kind: "url"; url: string }
  | { kind: "none" };

/** Object storage and signed URL lifetimes for the media API. */
export interface MediaConfig {
  s3: {
    /** Absent: the AWS SDK resolves the regional AWS S3 endpoint. */
    endpoint?: string;
    /**
     * The AWS region S3 signs for (S3_REGION), not an edge-chat region (REGION_ID). Absent: the AWS
     * SDK's default region chain (AWS_REGION, …).
     */
    awsRegion?: string;
    bucket: string;
    /** Absent: the AWS SDK's default credential chain (environment, instance role, …). */
    credentials?: { accessKeyId: string; secretAccessKey: string };
    forcePathStyle: boolean;
    /** Bind each upload URL to its exact size (versitygw, MinIO and AWS S3 all verify it). */
    signContentLength: boolean;
    /** Absent: downloads are signed for `endpoint` too. */
    downloadEndpoint?: string;
  };
  uploadTtlSeconds: number;
  downloadTtlSeconds: number;
  /** Raw uploads older than maxAgeSeconds are deleted every intervalSeconds (0: never). */
  sweep: { maxAgeSeconds: number; intervalSeconds: number };
  /** Make a poster frame for each video (ffmpeg from the npm registry). */
  videoPosters: boolean;
  /** Absent: download URLs are the store's own presigned URLs. */
  cdn?: CdnConfig;
}

/**
 * Defaults for unset S3_* values. ADAPTERS=embedded (npm start) targets the embedded object store
 * (media/store-server, on loopback, path-style, a fixed local key that the harness's versitygw
 * shares); ADAPTERS=real targets AWS S3 itself, with the SDK's endpoint, region and credential
 * resolution (e.g. an ECS task role).
 */
export const LOCAL_S3 = {
  endpoint: "http://127.0.0.1:8792",
  awsRegion: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "edgechat", secretAccessKey: "edgechat-local-secret" },
};

export interface Config {
  regionId: string;
  http: { host: string; port: number };
  adapters: "embedded" | "real";
  /** ADAPTERS=embedded: the shared embedded store's base URL, if the regions share one. */
  embeddedStoreUrl?: string;
  kafka: {
    brokers: string[];
    topic: string;
    dlqTopic: string;
    clientId: string;
    groupId: string;
    partitions: number;
    replicationFactor: number;
    producer: "kafkajs" | "platformatic";
    security: KafkaSecurity;
    consumerClient: "kafkajs" | "platformatic";
    /** group.instance.id of this process's platformatic consumers (static membership). */
    groupInstanceId: string;
    consumer: {
      sessionTimeoutMs: number;
      heartbeatIntervalMs: number;
      rebalanceTimeoutMs: number;
      fetchMaxWaitMs: number;
    };
  };
  cassandra: {
    cql: CqlConfig;
    consistency: (typeof CONSISTENCY_LEVELS)[number];
    migrate: boolean;
  };
  auth: { keys: ServiceKeys; clockSkewSeconds: number };
  media: MediaConfig;
  persister: {
    enabled: boolean;
    concurrency: number;
    partitionsConcurrently: number;
    maxUnknownAttempts: number;
  };
  shutdownTimeoutMs: number;
  push: PushConfig;
}

export interface PushConfig {
  topic: string;
  dlqTopic: string;
  notifier: { enabled: boolean; groupId: string; concurrency: number };
  timeoutMs: number;
  deviceLimits: { phones: number; companions: number };
  webPush?: { publicKey: string; privateKey: string; subject: string };
  apns?: { privateKeyPem: string; keyId: string; teamId: string };
  fcm?: FcmServiceAccount;
}

/** Each provider is on only with its whole set of credentials; half a set is a mistake. */
function pushConfig(e: z.infer<typeof Env>): PushConfig {
  const together = (names: string[], values: unknown[]) => {
    const set = values.filter((v) => v !== undefined).length;
    if (set !== 0 && set !== values.length) {
      throw new ChatError("invalid_request", `set all of ${names.join(", ")}, or none`);
    }
    return set === values.length;
  };
  const push: PushConfig = {
    topic: e.PUSH_TOPIC,
    dlqTopic: e.PUSH_DLQ_TOPIC,
    notifier: {
      enabled: e.NOTIFIER_ENABLED,
      groupId: e.NOTIFIER_GROUP_ID ?? `edge-chat-notifier-${e.REGION_ID}`,
      concurrency: e.NOTIFIER_CONCURRENCY,
    },
    timeoutMs: e.PUSH_TIMEOUT_MS,
    deviceLimits: { phones: e.DEVICES_MAX_PHONES, companions: e.DEVICES_MAX_COMPANIONS },
  };
  if (
    together(["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"], [e.VAPID_PUBLIC_KEY, e.VAPID_PRIVATE_KEY])
  ) {
    push.webPush = {
      publicKey: e.VAPID_PUBLIC_KEY!,
      privateKey: e.VAPID_PRIVATE_KEY!,
      subject: e.VAPID_SUBJECT,
    };
  }
  if (
    together(
      ["APNS_KEY", "APNS_KEY_ID", "APNS_TEAM_ID"],
      [e.APNS_KEY, e.APNS_KEY_ID, e.APNS_TEAM_ID],
    )
  ) {
    push.apns = { privateKeyPem: e.APNS_KEY!, keyId: e.APNS_KEY_ID!, teamId: e.APNS_TEAM_ID! };
  }
  if (e.FCM_SERVICE_ACCOUNT) push.fcm = e.FCM_SERVICE_ACCOUNT;
  return push;
}

/**
 * This host and port, as a group.instance.id slot: the same after a restart of this process, and
 * different for another process beside it. An ephemeral port (0) is not stable, so the process id
 * stands in: such a process gets no fast rejoin, but never shares a slot.
 */
function defaultInstanceSlot(port: number): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .slice(0, 60) || "host";
  return `${host}-${port === 0 ? `pid${process.pid}` : port}`;
}

/** Parses the environment, or throws ChatError("invalid_request") naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as they do in most shells and .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ChatError("invalid_request", `invalid configuration: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  let cql: CqlConfig;
  try {
    cql = parseCqlConfig(env);
  } catch (error) {
    if (error instanceof CqlError) throw new ChatError("invalid_request", error.message);
    throw error;
  }
  if (e.SERVICE_JWKS && e.SERVICE_JWKS_URL) {
    throw new ChatError("invalid_request", "set SERVICE_JWKS or SERVICE_JWKS_URL, not both");
  }
  const keys: ServiceKeys = e.SERVICE_JWKS
    ? { kind: "jwks", jwks: e.SERVICE_JWKS }
    : e.SERVICE_JWKS_URL
      ? { kind: "url", url: e.SERVICE_JWKS_URL }
      : { kind: "none" };
  // Real deployments must be able to authenticate the edge; only the embedded dev mode may start
  // without keys (every authenticated request is then refused).
  if (e.ADAPTERS === "real" && keys.kind === "none") {
    throw new ChatError("invalid_request", "ADAPTERS=real needs SERVICE_JWKS or SERVICE_JWKS_URL");
  }
  // An upload must outlive its URL, or a slow upload could be swept before it is verified.
  if (e.MEDIA_UPLOAD_MAX_AGE_SECONDS <= 2 * e.MEDIA_UPLOAD_URL_TTL_SECONDS) {
    throw new ChatError(
      "invalid_request",
      "MEDIA_UPLOAD_MAX_AGE_SECONDS must exceed twice MEDIA_UPLOAD_URL_TTL_SECONDS",
    );
  }
  if (e.KAFKA_TLS_CA !== undefined && !e.KAFKA_TLS) {
    throw new ChatError("invalid_request", "KAFKA_TLS_CA needs KAFKA_TLS=true");
  }
  if (e.KAFKA_SASL_MECHANISM === "none") {
    if (e.KAFKA_SASL_USERNAME !== undefined || e.KAFKA_SASL_PASSWORD !== undefined) {
      throw new ChatError(
        "invalid_request",
        "KAFKA_SASL_USERNAME/PASSWORD need KAFKA_SASL_MECHANISM",
      );
    }
  } else if (e.KAFKA_SASL_USERNAME === undefined || e.KAFKA_SASL_PASSWORD === undefined) {
    throw new ChatError(
      "invalid_request",
      "KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD",
    );
  } else if (e.KAFKA_SASL_MECHANISM === "plain" && !e.KAFKA_TLS) {
    throw new ChatError(
      "invalid_request",
      "KAFKA_SASL_MECHANISM=plain sends the password as is: it needs KAFKA_TLS=true",
    );
  }
  if (e.KAFKA_HEARTBEAT_INTERVAL_MS * 3 > e.KAFKA_SESSION_TIMEOUT_MS) {
    throw new ChatError(
      "invalid_request",
      "KAFKA_HEARTBEAT_INTERVAL_MS must be at most a third of KAFKA_SESSION_TIMEOUT_MS",
    );
  }
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ChatError(
      "invalid_request",
      "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither",
    );
  }
  const cdnSet = [e.MEDIA_CDN_URL, e.MEDIA_CDN_KEY_PAIR_ID, e.MEDIA_CDN_PRIVATE_KEY];
  if (cdnSet.some((v) => v !== undefined) && cdnSet.some((v) => v === undefined)) {
    throw new ChatError(
      "invalid_request",
      "set all of MEDIA_CDN_URL, MEDIA_CDN_KEY_PAIR_ID and MEDIA_CDN_PRIVATE_KEY, or none",
    );
  }
  const local = e.ADAPTERS === "embedded" ? LOCAL_S3 : undefined;
  const s3Credentials =
    e.S3_ACCESS_KEY_ID !== undefined && e.S3_SECRET_ACCESS_KEY !== undefined
      ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
      : local?.credentials;
  const s3Endpoint = e.S3_ENDPOINT ?? local?.endpoint;
  const s3Region = e.S3_REGION ?? local?.awsRegion;
  return {
    regionId: e.REGION_ID,
    http: { host: e.HOST, port: e.PORT },
    adapters: e.ADAPTERS,
    ...(e.EMBEDDED_STORE_URL !== undefined ? { embeddedStoreUrl: e.EMBEDDED_STORE_URL } : {}),
    kafka: {
      brokers: e.KAFKA_BROKERS,
      topic: e.KAFKA_TOPIC,
      dlqTopic: e.KAFKA_DLQ_TOPIC,
      clientId: e.KAFKA_CLIENT_ID ?? `region-core-${e.REGION_ID}`,
      groupId: e.KAFKA_GROUP_ID ?? `edge-chat-persister-${e.REGION_ID}`,
      partitions: e.KAFKA_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      producer: e.KAFKA_PRODUCER,
      security: kafkaSecurity(e),
      consumerClient: e.KAFKA_CONSUMER,
      groupInstanceId: `${e.KAFKA_CLIENT_ID ?? `region-core-${e.REGION_ID}`}-slot-${e.KAFKA_INSTANCE_SLOT ?? defaultInstanceSlot(e.PORT)}`,
      consumer: {
        sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatIntervalMs: e.KAFKA_HEARTBEAT_INTERVAL_MS,
        rebalanceTimeoutMs: e.KAFKA_REBALANCE_TIMEOUT_MS,
        fetchMaxWaitMs: e.KAFKA_FETCH_MAX_WAIT_MS,
      },
    },
    cassandra: {
      cql,
      consistency: e.CASSANDRA_CONSISTENCY,
      migrate: e.CASSANDRA_MIGRATE,
    },
    auth: { keys, clockSkewSeconds: e.AUTH_CLOCK_SKEW_SECONDS },
    media: {
      s3: {
        ...(s3Endpoint !== undefined ? { endpoint: s3Endpoint } : {}),
        ...(s3Region !== undefined ? { awsRegion: s3Region } : {}),
        bucket: e.MEDIA_BUCKET,
        ...(s3Credentials ? { credentials: s3Credentials } : {}),
        forcePathStyle: e.S3_FORCE_PATH_STYLE ?? local?.forcePathStyle ?? false,
        signContentLength: e.S3_SIGN_CONTENT_LENGTH,
        ...(e.S3_DOWNLOAD_ENDPOINT !== undefined
          ? { downloadEndpoint: e.S3_DOWNLOAD_ENDPOINT }
          : {}),
      },
      uploadTtlSeconds: e.MEDIA_UPLOAD_URL_TTL_SECONDS,
      downloadTtlSeconds: e.MEDIA_DOWNLOAD_URL_TTL_SECONDS,
      sweep: {
        maxAgeSeconds: e.MEDIA_UPLOAD_MAX_AGE_SECONDS,
        intervalSeconds: e.MEDIA_SWEEP_INTERVAL_SECONDS,
      },
      videoPosters: e.MEDIA_VIDEO_POSTERS,
      ...(e.MEDIA_CDN_URL && e.MEDIA_CDN_KEY_PAIR_ID && e.MEDIA_CDN_PRIVATE_KEY
        ? {
            cdn: {
              baseUrl: e.MEDIA_CDN_URL,
              keyPairId: e.MEDIA_CDN_KEY_PAIR_ID,
              privateKey: e.MEDIA_CDN_PRIVATE_KEY,
              windowSeconds: e.MEDIA_CDN_WINDOW_SECONDS,
            },
          }
        : {}),
    },
    persister: {
      enabled: e.PERSISTER_ENABLED,
      concurrency: e.PERSISTER_CONCURRENCY,
      partitionsConcurrently: e.PERSISTER_PARTITIONS_CONCURRENTLY,
      maxUnknownAttempts: e.PERSISTER_MAX_UNKNOWN_ATTEMPTS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    push: pushConfig(e),
  };
}

/** The validated Kafka security settings (the cross-checks are in loadConfig). */
function kafkaSecurity(e: z.infer<typeof Env>): KafkaSecurity {
  return {
    tls: e.KAFKA_TLS ? { ca: e.KAFKA_TLS_CA } : null,
    sasl:
      e.KAFKA_SASL_MECHANISM === "none"
        ? null
        : {
            mechanism: e.KAFKA_SASL_MECHANISM,
            username: e.KAFKA_SASL_USERNAME ?? "",
            password: e.KAFKA_SASL_PASSWORD ?? "",
          },
  };
}
