// The Worker's bindings as wrangler.toml declares them: raw strings, parsed once by config.ts.
import type { ConversationDO } from "./conversation/conversation-do.ts";
import type { InboxDO } from "./inbox/inbox-do.ts";

export interface Env {
  CONVERSATIONS: DurableObjectNamespace<ConversationDO>;
  INBOXES: DurableObjectNamespace<InboxDO>;
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
  OUTBOX_BATCH_SIZE?: string;
  OUTBOX_MAX_AGE_MS?: string;
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
