// Configuration: the Worker's string vars parsed and validated once into a typed object. A bad
// value fails loudly at the first request rather than misbehaving later.
import { CatalogError, type RegionCatalog, validateRegionCatalog } from "@edge-chat/geo-router";
import { jsonText, LIMITS } from "@edge-chat/protocol";
import { z } from "zod";
import type { Env } from "./env.ts";

const int = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

/** The geo-router's catalog; "[]" (or unset) means no region: the region outbox accumulates. */
const Regions = z.unknown().transform((value, ctx): RegionCatalog => {
  if (Array.isArray(value) && value.length === 0) return [];
  try {
    return validateRegionCatalog(value);
  } catch (error) {
    const issues = error instanceof CatalogError ? error.issues : [];
    ctx.addIssue({
      code: "custom",
      message: `invalid region catalog: ${issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    });
    return z.NEVER;
  }
});

const ConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "production"]).default("production"),
    JWT_ISSUER: z.string().min(1),
    JWT_AUDIENCE: z.string().min(1),
    JWT_DEV_SECRET: z.string().min(32).optional(),
    JWT_JWKS: jsonText(z.object({ keys: z.array(z.record(z.string(), z.unknown())) })).optional(),
    JWT_JWKS_URL: z.url().optional(),
    WINDOW_SIZE: int(1000, LIMITS.maxPageSize),
    RATE_USER_PER_SEC: int(20),
    RATE_USER_BURST: int(40),
    RATE_CONN_PER_SEC: int(10),
    RATE_CONN_BURST: int(20),
    REGION_OUTBOX_BATCH_SIZE: int(100).pipe(z.number().max(LIMITS.maxBatchEvents)),
    REGION_OUTBOX_MAX_AGE_MS: int(0, 0),
    REGION_OUTBOX_FAILBACK_AFTER_MS: int(10_000, 0),
    REGION_OUTBOX_FAILBACK_DRAIN_MS: int(2_000, 0),
    TYPING_TTL_MS: int(5000),
    TICKET_TTL_MS: int(30_000),
    REGIONS: jsonText(Regions).default([]),
    DEFAULT_REGION: z.string().optional(),
    SERVICE_SIGNING_KEY: jsonText(z.record(z.string(), z.unknown())).optional(),
    PUSH_WEBHOOK_URL: z.url().optional(),
    PUSH_COLLAPSE_MS: int(60_000, 0),
    // Redis (Upstash REST) for presence and global limits; unset: in-isolate stand-ins (npm start).
    UPSTASH_REDIS_REST_URL: z.url().optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    PRESENCE_TTL_MS: int(60_000, 1000),
    RATE_GLOBAL_USER_PER_MIN: int(1200),
    RATE_GLOBAL_IP_PER_MIN: int(3000),
    RATE_GLOBAL_TIMEOUT_MS: int(300),
    EDIT_WINDOW_MS: int(15 * 60_000, 0),
    CHAOS_EVICT_ROUTE: z.enum(["0", "1"]).default("0"),
    DELETE_WINDOW_MS: int(48 * 60 * 60_000, 0),
    // Below the regions' MEDIA_UPLOAD_MAX_AGE_SECONDS (24 h), by more than the longest persist
    // delay.
    MEDIA_VERIFIED_MAX_AGE_MS: int(23 * 60 * 60_000, 60_000),
  })
  .refine(
    (v) => (v.UPSTASH_REDIS_REST_URL === undefined) === (v.UPSTASH_REDIS_REST_TOKEN === undefined),
    {
      message: "set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or neither",
    },
  )
  .transform((v) => ({
    development: v.ENVIRONMENT === "development",
    jwt: {
      issuer: v.JWT_ISSUER,
      audience: v.JWT_AUDIENCE,
      // The HS256 secret only exists in development, whatever the vars say.
      devSecret: v.ENVIRONMENT === "development" ? v.JWT_DEV_SECRET : undefined,
      jwks: v.JWT_JWKS,
      jwksUrl: v.JWT_JWKS_URL,
      clockToleranceSec: 30,
    },
    windowSize: v.WINDOW_SIZE,
    rate: {
      user: { perSec: v.RATE_USER_PER_SEC, burst: v.RATE_USER_BURST },
      connection: { perSec: v.RATE_CONN_PER_SEC, burst: v.RATE_CONN_BURST },
    },
    regionOutbox: {
      batchSize: v.REGION_OUTBOX_BATCH_SIZE,
      maxAgeMs: v.REGION_OUTBOX_MAX_AGE_MS,
      // Failback to the home region (edge/src/region/failback.ts); 0 = never.
      failbackAfterMs:
        v.REGION_OUTBOX_FAILBACK_AFTER_MS === 0 ? undefined : v.REGION_OUTBOX_FAILBACK_AFTER_MS,
      failbackDrainMs: v.REGION_OUTBOX_FAILBACK_DRAIN_MS,
    },
    typingTtlMs: v.TYPING_TTL_MS,
    ticketTtlMs: v.TICKET_TTL_MS,
    regions: v.REGIONS,
    /** Where conversations without a known client location flush first. */
    // Ignored without regions, so REGIONS="[]" alone switches flushing off.
    defaultRegionId: v.REGIONS.length === 0 ? undefined : (v.DEFAULT_REGION ?? v.REGIONS[0]?.id),
    serviceSigningKey: v.SERVICE_SIGNING_KEY,
    /** Test-only: POST /__chaos/conversations/:id/evict aborts a ConversationDO (the chaos suite). */
    chaosEvictRoute: v.CHAOS_EVICT_ROUTE === "1",
    /** Where push notifications are POSTed (unset: they are only counted and logged). */
    push: { webhookUrl: v.PUSH_WEBHOOK_URL, collapseMs: v.PUSH_COLLAPSE_MS },
    redis:
      v.UPSTASH_REDIS_REST_URL && v.UPSTASH_REDIS_REST_TOKEN
        ? { url: v.UPSTASH_REDIS_REST_URL, token: v.UPSTASH_REDIS_REST_TOKEN }
        : undefined,
    presenceTtlMs: v.PRESENCE_TTL_MS,
    globalRate: {
      user: { tokens: v.RATE_GLOBAL_USER_PER_MIN, windowMs: 60_000 },
      ip: { tokens: v.RATE_GLOBAL_IP_PER_MIN, windowMs: 60_000 },
      timeoutMs: v.RATE_GLOBAL_TIMEOUT_MS,
    },
    /** How long a sender may edit / delete for everyone after sending (admins delete any time). */
    changes: { editWindowMs: v.EDIT_WINDOW_MS, deleteWindowMs: v.DELETE_WINDOW_MS },
    /** How long after its verification a media object may be sent (domain/media.ts). */
    media: { verifiedMaxAgeMs: v.MEDIA_VERIFIED_MAX_AGE_MS },
  }))
  .superRefine((config, ctx) => {
    if (!config.development && !config.jwt.jwks && !config.jwt.jwksUrl) {
      ctx.addIssue({ code: "custom", message: "production needs JWT_JWKS or JWT_JWKS_URL" });
    }
    const { defaultRegionId, regions } = config;
    if (defaultRegionId !== undefined && !regions.some((r) => r.id === defaultRegionId)) {
      ctx.addIssue({
        code: "custom",
        message: `DEFAULT_REGION ${defaultRegionId} is not in REGIONS`,
      });
    }
  });

export type Config = z.output<typeof ConfigSchema>;

/**
 * Old names still read, for deployments that set them: the edge has three outboxes (region, inbox,
 * push), and these four only ever tuned the region outbox. The new name wins when both are set.
 */
export const DEPRECATED_VARS = {
  OUTBOX_BATCH_SIZE: "REGION_OUTBOX_BATCH_SIZE",
  OUTBOX_MAX_AGE_MS: "REGION_OUTBOX_MAX_AGE_MS",
  OUTBOX_FAILBACK_AFTER_MS: "REGION_OUTBOX_FAILBACK_AFTER_MS",
  OUTBOX_FAILBACK_DRAIN_MS: "REGION_OUTBOX_FAILBACK_DRAIN_MS",
} as const;

function withDeprecatedVars(env: Env): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...env };
  for (const [old, current] of Object.entries(DEPRECATED_VARS)) {
    if (vars[current] === undefined && vars[old] !== undefined) vars[current] = vars[old];
  }
  return vars;
}

const cache = new WeakMap<object, Config>();

/** Parses the vars (cached per env object, so once per isolate in practice). */
export function loadConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    const result = ConfigSchema.safeParse(withDeprecatedVars(env));
    if (!result.success) {
      throw new Error(`invalid configuration: ${z.prettifyError(result.error)}`);
    }
    config = result.data;
    cache.set(env, config);
  }
  return config;
}
