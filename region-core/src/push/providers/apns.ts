// APNs with token-based authentication: an ES256 provider JWT (jose) over HTTP/2 (node:http2), one
// session per APNs host kept open and reused, as Apple asks. Apple's reasons map to outcomes:
// BadDeviceToken and Unregistered (410) mean the token is gone; ExpiredProviderToken makes a new JWT
// and retries; 429 and 5xx are retriable; the rest is permanent.
import { createHash } from "node:crypto";
import http2 from "node:http2";
import { ChatError } from "@edge-chat/protocol";
import { importPKCS8, SignJWT } from "jose";
import { type DeliveryOutcome, type PushProvider, providerFailure, retryAfterMs } from "./ports.ts";
import { cachedToken } from "./provider-token.ts";

export interface ApnsSettings {
  /** The .p8 signing key from the Apple developer account (PKCS#8 PEM). */
  privateKeyPem: string;
  keyId: string;
  teamId: string;
  /** Origins per environment; tests point both at a local HTTP/2 server. */
  origins?: { production: string; sandbox: string };
  /** Extra trusted CA (PEM) for a test server's self-signed certificate. */
  ca?: string;
  timeoutMs: number;
  now?: () => number;
}

export const APNS_ORIGINS = {
  production: "https://api.push.apple.com",
  sandbox: "https://api.sandbox.push.apple.com",
} as const;

/** Apple refuses provider tokens older than an hour and throttles ones renewed within 20 minutes. */
const TOKEN_LIFETIME_MS = 40 * 60 * 1000;
const GONE_REASONS = new Set(["BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"]);

interface ApnsResponse {
  status: number;
  reason: string;
  retryAfter: string | undefined;
}

export interface ApnsProvider extends PushProvider<"apns"> {
  close(): void;
}

export function apnsProvider(settings: ApnsSettings): ApnsProvider {
  const now = settings.now ?? Date.now;
  const origins = settings.origins ?? APNS_ORIGINS;
  const key = importPKCS8(settings.privateKeyPem, "ES256");
  const token = cachedToken(async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: settings.keyId })
      .setIssuer(settings.teamId)
      .setIssuedAt(Math.floor(now() / 1000))
      .sign(await key);
    return { token: jwt, validForMs: TOKEN_LIFETIME_MS };
  }, now);
  const sessions = new Map<string, http2.ClientHttp2Session>();

  function session(origin: string): http2.ClientHttp2Session {
    const open = sessions.get(origin);
    if (open && !open.closed && !open.destroyed) return open;
    const created = http2.connect(origin, settings.ca ? { ca: settings.ca } : {});
    const forget = () => {
      if (sessions.get(origin) === created) sessions.delete(origin);
    };
    created.on("error", forget);
    created.on("close", forget);
    created.on("goaway", forget);
    // An idle session must not keep the process alive; requests ref it while they run.
    created.unref();
    sessions.set(origin, created);
    return created;
  }

  function post(
    origin: string,
    path: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<ApnsResponse> {
    return new Promise((resolve, reject) => {
      const client = session(origin);
      client.ref();
      const stream = client.request({ ":method": "POST", ":path": path, ...headers });
      const done = () => client.unref();
      stream.setTimeout(settings.timeoutMs, () => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        done();
        reject(new ChatError("unavailable", "APNs did not answer in time"));
      });
      let status = 0;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      stream.on("response", (h) => {
        status = Number(h[":status"]);
        const value = h["retry-after"];
        retryAfter = Array.isArray(value) ? value[0] : value;
      });
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error) => {
        done();
        reject(error);
      });
      stream.on("end", () => {
        done();
        const text = Buffer.concat(chunks).toString("utf8");
        let reason = "";
        try {
          reason = text ? String((JSON.parse(text) as { reason?: unknown }).reason ?? "") : "";
        } catch {
          reason = "";
        }
        resolve({ status, reason, retryAfter });
      });
      stream.end(body);
    });
  }

  return {
    platform: "apns",
    async send(credentials, message): Promise<DeliveryOutcome> {
      const jwt = await token.get();
      const body = JSON.stringify({
        aps: {
          alert: message.alert,
          badge: message.payload.unread,
          sound: "default",
          "thread-id": message.payload.conversationId,
        },
        edgeChat: message.payload,
      });
      const response = await post(
        origins[credentials.environment],
        `/3/device/${credentials.token}`,
        {
          authorization: `bearer ${jwt}`,
          "apns-topic": credentials.topic,
          "apns-push-type": "alert",
          "apns-priority": "10",
          "apns-expiration": String(Math.floor(now() / 1000) + message.ttlSeconds),
          // At most 64 bytes: conversation ids can be longer, so hash-free truncation is not safe.
          "apns-collapse-id": collapseId(message.collapseKey),
        },
        body,
      );
      if (response.status === 200) return "delivered";
      if (GONE_REASONS.has(response.reason) || response.status === 410) return "gone";
      if (
        response.reason === "ExpiredProviderToken" ||
        response.reason === "InvalidProviderToken"
      ) {
        token.invalidate(jwt);
        // Expired: a fresh token fixes it. Invalid: a key or team mix-up; one retry with a fresh
        // token costs little, and the retry policy's limit ends it in the dead-letter topic.
        throw new ChatError("unavailable", `APNs refused the provider token (${response.reason})`);
      }
      throw providerFailure(
        "APNs",
        response.status,
        response.reason,
        retryAfterMs(response.retryAfter, now()),
      );
    },
    close() {
      for (const open of sessions.values()) open.close();
      sessions.clear();
    },
  };
}

/** apns-collapse-id is limited to 64 bytes; longer keys are hashed. */
function collapseId(key: string): string {
  if (new TextEncoder().encode(key).length <= 64) return key;
  return `h:${createHash("sha256").update(key).digest("hex").slice(0, 62)}`;
}
