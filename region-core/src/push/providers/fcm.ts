// FCM HTTP v1: messages:send with an OAuth2 access token obtained for the service account by the
// JWT-bearer grant (RFC 7523): an RS256 assertion signed with jose, exchanged at the account's
// token_uri, cached until shortly before it expires. FCM's error codes map to outcomes: UNREGISTERED
// (404) and SENDER_ID_MISMATCH mean the token is gone; 401 refreshes the access token and retries;
// 429 and 5xx are retriable; the rest is permanent.
import { ChatError } from "@edge-chat/protocol";
import { importPKCS8, SignJWT } from "jose";
import { z } from "zod";
import { type DeliveryOutcome, type PushProvider, providerFailure, retryAfterMs } from "./ports.ts";
import { cachedToken } from "./provider-token.ts";

/** The fields of a Google service-account key file that the grant needs. */
export const FcmServiceAccount = z.object({
  project_id: z.string().min(1),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().min(1).optional(),
  token_uri: z.url(),
});
export type FcmServiceAccount = z.infer<typeof FcmServiceAccount>;

export interface FcmSettings {
  account: FcmServiceAccount;
  /** FCM's origin; tests point it at a local server. */
  origin?: string;
  timeoutMs: number;
  now?: () => number;
  fetcher?: typeof fetch;
}

export const FCM_ORIGIN = "https://fcm.googleapis.com";
export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
const GONE_CODES = new Set(["UNREGISTERED", "SENDER_ID_MISMATCH"]);
/** Renew this long before the access token's stated expiry. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
});

/** FCM v1 error body: `error.status` plus an FcmError detail carrying the finer `errorCode`. */
function fcmErrorCode(body: unknown): string {
  const error = (body as { error?: { status?: unknown; details?: unknown } } | null)?.error;
  const details = Array.isArray(error?.details) ? error.details : [];
  for (const detail of details) {
    const code = (detail as { errorCode?: unknown }).errorCode;
    if (typeof code === "string") return code;
  }
  return typeof error?.status === "string" ? error.status : "";
}

export function fcmProvider(settings: FcmSettings): PushProvider<"fcm"> {
  const fetcher = settings.fetcher ?? fetch;
  const now = settings.now ?? Date.now;
  const { account } = settings;
  const origin = settings.origin ?? FCM_ORIGIN;
  const key = importPKCS8(account.private_key, "RS256");
  const accessToken = cachedToken(async () => {
    const issuedAt = Math.floor(now() / 1000);
    const header: { alg: "RS256"; typ: "JWT"; kid?: string } = { alg: "RS256", typ: "JWT" };
    if (account.private_key_id) header.kid = account.private_key_id;
    const assertion = await new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader(header)
      .setIssuer(account.client_email)
      .setAudience(account.token_uri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(await key);
    const response = await fetcher(account.token_uri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion,
      }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      throw providerFailure("FCM token endpoint", response.status, "");
    }
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) throw new ChatError("unavailable", "FCM token endpoint: malformed answer");
    const validForMs = Math.max(0, parsed.data.expires_in * 1000 - EXPIRY_MARGIN_MS);
    return { token: parsed.data.access_token, validForMs };
  }, now);

  return {
    platform: "fcm",
    async send(credentials, message): Promise<DeliveryOutcome> {
      const token = await accessToken.get();
      const response = await fetcher(
        `${origin}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`,
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({
            message: {
              token: credentials.token,
              notification: message.alert,
              // FCM data values must be strings.
              data: { edgeChat: JSON.stringify(message.payload) },
              android: {
                collapse_key: message.collapseKey,
                priority: "high",
                ttl: `${message.ttlSeconds}s`,
              },
            },
          }),
          signal: AbortSignal.timeout(settings.timeoutMs),
        },
      );
      if (response.ok) {
        await response.body?.cancel();
        return "delivered";
      }
      const code = fcmErrorCode(await response.json().catch(() => null));
      if (GONE_CODES.has(code)) return "gone";
      if (response.status === 401) {
        accessToken.invalidate(token);
        throw new ChatError("unavailable", "FCM refused the access token");
      }
      throw providerFailure(
        "FCM",
        response.status,
        code,
        retryAfterMs(response.headers.get("retry-after"), now()),
      );
    },
  };
}
