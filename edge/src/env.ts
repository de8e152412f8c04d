// The Worker's bindings as wrangler.toml declares them: raw strings, parsed once by config.ts.
// The Durable Object namespaces are typed by the objects' RPC interfaces, not their classes, so
// this file (imported nearly everywhere) stays a leaf and forms no import circle.
import type { ConversationRpc } from "./conversation/rpc.ts";
import type { InboxRpc } from "./inbox/rpc.ts";

export interface Env {
  CONVERSATIONS: DurableObjectNamespace<ConversationRpc>;
  INBOXES: DurableObjectNamespace<InboxRpc>;
  ENVIRONMENT?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  JWT_DEV_SECRET?: string;
  JWT_JWKS?: string;
  JWT_JWKS_URL?: string;
  WINDOW_SIZE?: string;
  RATE_USER_PER_SEC?: string;
  RATE_USER_BURST?: string;
  RATE_CONN_PER_SEC?: string;
  RATE_CONN_BURST?: string;
  REGION_OUTBOX_BATCH_SIZE?: string;
  REGION_OUTBOX_MAX_AGE_MS?: string;
  REGION_OUTBOX_FAILBACK_AFTER_MS?: string;
  REGION_OUTBOX_FAILBACK_DRAIN_MS?: string;
  /** Deprecated names of the four above (config.ts reads them when the new one is unset). */
  OUTBOX_BATCH_SIZE?: string;
  OUTBOX_MAX_AGE_MS?: string;
  OUTBOX_FAILBACK_AFTER_MS?: string;
  OUTBOX_FAILBACK_DRAIN_MS?: string;
  TYPING_TTL_MS?: string;
  TICKET_TTL_MS?: string;
  REGIONS?: string;
  DEFAULT_REGION?: string;
  SERVICE_SIGNING_KEY?: string;
  PUSH_WEBHOOK_URL?: string;
  PUSH_COLLAPSE_MS?: string;
  /** Workers Analytics Engine dataset for edge latency points (production). */
  EDGE_METRICS?: AnalyticsEngineDataset;
  /** The local collector that takes edge latency points (development; `npm start` sets it). */
  METRICS_COLLECTOR_URL?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  PRESENCE_TTL_MS?: string;
  RATE_GLOBAL_USER_PER_MIN?: string;
  RATE_GLOBAL_IP_PER_MIN?: string;
  RATE_GLOBAL_TIMEOUT_MS?: string;
  EDIT_WINDOW_MS?: string;
  DELETE_WINDOW_MS?: string;
}
