// Real local push endpoints for the provider and notifier tests, each checking what the real service
// checks: a Web Push service that verifies the VAPID JWT (RFC 8292) and decrypts the payload with
// the subscription's private key (RFC 8291, written here from the RFC with node:crypto, independent
// of the library under test); an HTTP/2 + TLS server that verifies the APNs provider JWT, headers
// and body; an OAuth2 token endpoint (JWT-bearer grant) plus an FCM v1 messages:send endpoint.
// Each records what it accepted and can be told to answer a device with a failure.
import { execFileSync } from "node:child_process";
import {
  createDecipheriv,
  createECDH,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  randomUUID,
} from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WebPushSubscription } from "@edge-chat/protocol";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";

/** How an endpoint answers one device: `ok`, a status with a body, or failures before success. */
export type Behaviour =
  | { kind: "ok" }
  | { kind: "fail"; status: number; body?: unknown; times?: number };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

function close(server: { close(cb: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Applies a behaviour: returns the failure to answer now, or undefined to accept. */
function failureFor(
  behaviours: Map<string, Behaviour>,
  id: string,
): { status: number; body?: unknown } | undefined {
  const behaviour = behaviours.get(id);
  if (!behaviour || behaviour.kind === "ok") return undefined;
  if (behaviour.times !== undefined) {
    if (behaviour.times <= 0) return undefined;
    behaviour.times -= 1;
  }
  return { status: behaviour.status, body: behaviour.body };
}

// ---------------------------------------------------------------- Web Push

export interface WebPushClient {
  subscription: WebPushSubscription;
  id: string;
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
}

export interface ReceivedWebPush {
  id: string;
  payload: unknown;
  headers: Record<string, string | string[] | undefined>;
  vapid: { sub: unknown; aud: unknown; publicKey: string };
}

const b64u = (buffer: Buffer) => buffer.toString("base64url");

/** RFC 8291 §3.4 + RFC 8188: decrypt a single-record aes128gcm body for the user agent. */
export function decryptWebPush(body: Buffer, client: WebPushClient): Buffer {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const shared = client.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([
    Buffer.from("WebPush: info\0"),
    client.ecdh.getPublicKey(),
    senderPublic,
  ]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, client.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, "Content-Encoding: aes128gcm\0", 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, "Content-Encoding: nonce\0", 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ]);
  // The last record ends with the delimiter 0x02 followed by optional zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("bad padding delimiter");
  return padded.subarray(0, end);
}

export async function startWebPushService() {
  const behaviours = new Map<string, Behaviour>();
  const clients = new Map<string, WebPushClient>();
  const received: ReceivedWebPush[] = [];
  const rejected: string[] = [];
  let origin = "";

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? "")?.[1];
    const client = id ? clients.get(id) : undefined;
    if (req.method !== "POST" || !id || !client) return answer(res, 404, "no such subscription");
    try {
      const match = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? "");
      if (!match) throw new Error("no VAPID authorization");
      const raw = Buffer.from(match[2]!, "base64url");
      if (raw.length !== 65 || raw[0] !== 4) throw new Error("VAPID key is not a P-256 point");
      const key = await importJWK({
        kty: "EC",
        crv: "P-256",
        x: b64u(raw.subarray(1, 33)),
        y: b64u(raw.subarray(33, 65)),
        alg: "ES256",
      });
      const { payload, protectedHeader } = await jwtVerify(match[1]!, key, { audience: origin });
      if (protectedHeader.alg !== "ES256") throw new Error("VAPID JWT is not ES256");
      const now = Math.floor(Date.now() / 1000);
      if (typeof payload.exp !== "number" || payload.exp > now + 24 * 3600)
        throw new Error("VAPID exp missing or over 24 h");
      if (typeof payload.sub !== "string") throw new Error("VAPID sub missing");
      if (req.headers["content-encoding"] !== "aes128gcm") throw new Error("not aes128gcm");
      if (!req.headers.ttl) throw new Error("TTL header missing");
      const plaintext = decryptWebPush(body, client);
      const failure = failureFor(behaviours, id);
      if (failure) return answer(res, failure.status, "");
      received.push({
        id,
        payload: JSON.parse(plaintext.toString("utf8")),
        headers: req.headers,
        vapid: { sub: payload.sub, aud: payload.aud, publicKey: match[2]! },
      });
      answer(res, 201, "");
    } catch (error) {
      rejected.push(error instanceof Error ? error.message : String(error));
      answer(res, 400, "rejected");
    }
  });
  origin = await listen(server);

  return {
    origin,
    received,
    rejected,
    behaviours,
    /** A new browser-side subscription: its key pair stays here, the JSON goes to the registry. */
    subscribe(): WebPushClient {
      const id = randomUUID();
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const client: WebPushClient = {
        id,
        ecdh,
        auth,
        subscription: {
          endpoint: `${origin}/push/${id}`,
          keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
        },
      };
      clients.set(id, client);
      return client;
    },
    close: () => close(server),
  };
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(body);
}

// ---------------------------------------------------------------- APNs

export interface ReceivedApns {
  token: string;
  headers: Record<string, string | string[] | undefined>;
  body: {
    aps: { alert: { title: string; body: string }; badge: number; "thread-id": string };
    edgeChat: unknown;
  };
}

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "apns-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startApnsServer() {
  const { key, cert } = selfSignedCertificate();
  const signing = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const credentials = {
    privateKeyPem: signing.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    keyId: "KEY1234567",
    teamId: "TEAM123456",
  };
  const behaviours = new Map<string, Behaviour>();
  const received: ReceivedApns[] = [];
  const rejected: string[] = [];
  const tokensSeen = new Set<string>();

  const server = http2.createSecureServer({ key, cert, allowHTTP1: false }, async (req, res) => {
    const body = await readBody(req as unknown as IncomingMessage);
    const reply = (status: number, reason?: string) => {
      res.writeHead(status, { "apns-id": randomUUID(), "content-type": "application/json" });
      res.end(reason ? JSON.stringify({ reason }) : "");
    };
    try {
      const token = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(req.url)?.[1];
      if (req.method !== "POST" || !token) return reply(404, "BadPath");
      const auth = /^bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      if (!auth) return reply(403, "MissingProviderToken");
      const header = decodeProtectedHeader(auth);
      if (header.alg !== "ES256" || header.kid !== credentials.keyId)
        return reply(403, "InvalidProviderToken");
      const { payload } = await jwtVerify(auth, signing.publicKey, {
        issuer: credentials.teamId,
      });
      if (typeof payload.iat !== "number") return reply(403, "InvalidProviderToken");
      tokensSeen.add(auth);
      if (!req.headers["apns-topic"]) return reply(400, "MissingTopic");
      if (req.headers["apns-push-type"] !== "alert") return reply(400, "InvalidPushType");
      const collapse = String(req.headers["apns-collapse-id"] ?? "");
      if (Buffer.byteLength(collapse) > 64) return reply(400, "BadCollapseId");
      const parsed = JSON.parse(body.toString("utf8")) as ReceivedApns["body"];
      if (typeof parsed.aps?.alert?.title !== "string") return reply(400, "PayloadEmpty");
      const failure = failureFor(behaviours, token);
      if (failure) return reply(failure.status, failure.body as string | undefined);
      received.push({ token, headers: req.headers, body: parsed });
      reply(200);
    } catch (error) {
      rejected.push(error instanceof Error ? error.message : String(error));
      reply(403, "InvalidProviderToken");
    }
  });
  const origin = await new Promise<string>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
  return {
    origin,
    ca: cert,
    credentials,
    behaviours,
    received,
    rejected,
    tokensSeen,
    close: () => close(server),
  };
}

// ---------------------------------------------------------------- FCM

export interface ReceivedFcm {
  token: string;
  message: {
    token: string;
    notification: { title: string; body: string };
    data: Record<string, string>;
    android: { collapse_key: string; ttl: string };
  };
}

export async function startFcmServer() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const behaviours = new Map<string, Behaviour>();
  const received: ReceivedFcm[] = [];
  const rejected: string[] = [];
  const issued = new Set<string>();
  let tokenRequests = 0;
  let origin = "";

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    try {
      if (req.method === "POST" && req.url === "/token") {
        tokenRequests += 1;
        const form = new URLSearchParams(body.toString("utf8"));
        if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
          return json(400, { error: "unsupported_grant_type" });
        const { payload, protectedHeader } = await jwtVerify(
          form.get("assertion") ?? "",
          publicKey,
          { issuer: account.client_email, audience: account.token_uri },
        );
        if (protectedHeader.alg !== "RS256" || protectedHeader.kid !== account.private_key_id)
          return json(400, { error: "invalid_grant" });
        if (payload.scope !== "https://www.googleapis.com/auth/firebase.messaging")
          return json(400, { error: "invalid_scope" });
        const accessToken = `ya29.${randomUUID()}`;
        issued.add(accessToken);
        return json(200, { access_token: accessToken, expires_in: 3599, token_type: "Bearer" });
      }
      const project = /^\/v1\/projects\/([\w-]+)\/messages:send$/.exec(req.url ?? "")?.[1];
      if (req.method !== "POST" || project !== account.project_id)
        return json(404, { error: { status: "NOT_FOUND" } });
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!bearer || !issued.has(bearer))
        return json(401, { error: { code: 401, status: "UNAUTHENTICATED" } });
      const { message } = JSON.parse(body.toString("utf8")) as { message: ReceivedFcm["message"] };
      if (!message?.token || typeof message.data?.edgeChat !== "string")
        return json(400, { error: { status: "INVALID_ARGUMENT" } });
      const failure = failureFor(behaviours, message.token);
      if (failure) return json(failure.status, failure.body ?? {});
      received.push({ token: message.token, message });
      json(200, { name: `projects/${project}/messages/${randomUUID()}` });
    } catch (error) {
      rejected.push(error instanceof Error ? error.message : String(error));
      json(400, { error: "invalid_grant" });
    }
  });
  origin = await listen(server);
  const account = {
    project_id: "edge-chat-test",
    client_email: "notifier@edge-chat-test.iam.example",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    private_key_id: "fcm-key-1",
    token_uri: `${origin}/token`,
  };
  return {
    origin,
    account,
    behaviours,
    received,
    rejected,
    issued,
    tokenRequests: () => tokenRequests,
    close: () => close(server),
  };
}

/** The FCM error body for an unregistered token (HTTP 404, errorCode UNREGISTERED). */
export const FCM_UNREGISTERED = {
  error: {
    code: 404,
    status: "NOT_FOUND",
    details: [
      {
        "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
        errorCode: "UNREGISTERED",
      },
    ],
  },
};
