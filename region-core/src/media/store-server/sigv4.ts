// AWS Signature Version 4 verification for the embedded object store: the same check an S3 server
// makes, for presigned URLs (query parameters) and signed requests (Authorization header), so a
// tampered, expired or foreign-key request is refused locally exactly as by the real store.
// Pure computation over a request description; the HTTP server feeds it.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface SignedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded): S3 signs it without re-encoding. */
  rawPath: string;
  /** Query parameters, decoded, in the order sent. */
  query: Array<[string, string]>;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type Verdict =
  | { ok: true; accessKeyId: string; payloadHash: string }
  | {
      ok: false;
      code: "AccessDenied" | "SignatureDoesNotMatch" | "InvalidAccessKeyId";
      message: string;
    };

const ALGORITHM = "AWS4-HMAC-SHA256";
/** How far a header-signed request's date may be from now (S3 allows 15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** Longest lifetime a presigned URL may ask for (S3's limit: 7 days). */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const hmac = (key: Buffer | string, text: string) =>
  createHmac("sha256", key).update(text, "utf8").digest();

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `20260101T000000Z` → epoch ms, or NaN. */
function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

interface Parts {
  accessKeyId: string;
  scope: string;
  dateStamp: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  payloadHash: string;
  expiresSeconds: number | undefined;
}

function partsOf(request: SignedRequest): Parts | string {
  const q = new Map(request.query);
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  let payloadHash: string;
  let expiresSeconds: number | undefined;
  if (q.has("X-Amz-Signature")) {
    if (q.get("X-Amz-Algorithm") !== ALGORITHM) return "unsupported signing algorithm";
    credential = q.get("X-Amz-Credential");
    signedHeaders = q.get("X-Amz-SignedHeaders");
    signature = q.get("X-Amz-Signature");
    amzDate = q.get("X-Amz-Date");
    payloadHash = q.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD";
    expiresSeconds = Number(q.get("X-Amz-Expires"));
    if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1) return "bad X-Amz-Expires";
    if (expiresSeconds > MAX_EXPIRES_SECONDS) return "X-Amz-Expires is too long";
  } else {
    const auth = request.headers.authorization ?? "";
    if (!auth.startsWith(`${ALGORITHM} `)) return "missing or unsupported authorization";
    for (const field of auth.slice(ALGORITHM.length + 1).split(",")) {
      const [name, value] = field.trim().split("=", 2) as [string, string | undefined];
      if (name === "Credential") credential = value;
      if (name === "SignedHeaders") signedHeaders = value;
      if (name === "Signature") signature = value;
    }
    amzDate = request.headers["x-amz-date"];
    payloadHash = request.headers["x-amz-content-sha256"] ?? "";
    if (!payloadHash) return "missing x-amz-content-sha256";
  }
  if (!credential || !signedHeaders || !signature || !amzDate) return "incomplete signature";
  const [accessKeyId, dateStamp, region, service, terminator] = credential.split("/");
  if (!accessKeyId || !dateStamp || !region || service !== "s3" || terminator !== "aws4_request") {
    return "malformed credential scope";
  }
  if (!amzDate.startsWith(dateStamp)) return "credential date does not match X-Amz-Date";
  return {
    accessKeyId,
    scope: `${dateStamp}/${region}/${service}/${terminator}`,
    dateStamp,
    region,
    service,
    signedHeaders: signedHeaders.split(";"),
    signature,
    amzDate,
    payloadHash,
    expiresSeconds,
  };
}

/** The canonical request of SigV4 for S3 (path not re-encoded, query strictly encoded). */
export function canonicalRequest(
  request: SignedRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const query = request.query
    .filter(([name]) => name !== "X-Amz-Signature")
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const headers = signedHeaders
    .map((name) => `${name}:${(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  return [
    request.method,
    request.rawPath,
    query,
    headers,
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

/** Checks the request's signature and lifetime against the store's known credentials. */
export function verifySigV4(
  request: SignedRequest,
  credentials: readonly Credentials[],
  now: number,
): Verdict {
  const parts = partsOf(request);
  if (typeof parts === "string") return { ok: false, code: "AccessDenied", message: parts };
  const known = credentials.find((c) => c.accessKeyId === parts.accessKeyId);
  if (!known) {
    return { ok: false, code: "InvalidAccessKeyId", message: "unknown access key" };
  }
  if (!parts.signedHeaders.includes("host")) {
    return { ok: false, code: "AccessDenied", message: "host must be signed" };
  }
  const signedAt = parseAmzDate(parts.amzDate);
  if (Number.isNaN(signedAt)) return { ok: false, code: "AccessDenied", message: "bad X-Amz-Date" };
  if (parts.expiresSeconds !== undefined) {
    if (now > signedAt + parts.expiresSeconds * 1000) {
      return { ok: false, code: "AccessDenied", message: "Request has expired" };
    }
    if (signedAt - now > MAX_SKEW_MS) {
      return { ok: false, code: "AccessDenied", message: "request is signed in the future" };
    }
  } else if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    return { ok: false, code: "AccessDenied", message: "request time is too skewed" };
  }
  const canonical = canonicalRequest(request, parts.signedHeaders, parts.payloadHash);
  const stringToSign = [ALGORITHM, parts.amzDate, parts.scope, sha256(canonical)].join("\n");
  let key = hmac(`AWS4${known.secretAccessKey}`, parts.dateStamp);
  key = hmac(key, parts.region);
  key = hmac(key, parts.service);
  key = hmac(key, "aws4_request");
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(parts.signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      code: "SignatureDoesNotMatch",
      message: "The request signature we calculated does not match the signature you provided",
    };
  }
  return { ok: true, accessKeyId: known.accessKeyId, payloadHash: parts.payloadHash };
}
