// A stand-in for the regions' media API in the edge's workerd tests (Node side, reached through
// Miniflare's outbound service like the fake ingester): it verifies the service token and the
// request schema, applies the protocol's type/size rules, issues keys under the conversation's
// prefix, records every call, and can be told to fail. Tests read it at http://ingest.test/__control/media.
import {
  type ErrorResponse,
  type MediaDownloadTicket,
  type MediaUploadTicket,
  mediaObjectKey,
  mediaUploadProblem,
  RegionMediaDownloadRequest,
  RegionMediaUploadRequest,
  RegionMediaVerifyRequest,
  SERVICE_TOKEN,
  type VerifiedMedia,
} from "@edge-chat/protocol";
import { importJWK, type JWK, jwtVerify } from "jose";
import { Response } from "miniflare";

export interface MediaCall {
  region: string;
  kind: "uploads" | "downloads" | "verify";
  body: Record<string, unknown>;
}

const calls: MediaCall[] = [];
/** Keys issued, with their conversation: downloads of anything else are not_found. */
const issued = new Map<string, string>();
/** Upload tickets by key: what a verification checks owner and conversation against. */
const uploads = new Map<string, RegionMediaUploadRequest>();
let failuresLeft = 0;
let refusalsLeft = 0;

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function error(code: ErrorResponse["error"]["code"], status: number): Response {
  const body: ErrorResponse = { error: { code, message: code, retriable: false } };
  return json(body, status);
}

const ROUTE = /^\/([a-z0-9-]+)\/v1\/media\/(uploads|downloads|verify)$/;

export function isMediaRequest(request: Request): boolean {
  const url = new URL(request.url);
  return (
    url.hostname === "ingest.test" &&
    (ROUTE.test(url.pathname) || url.pathname.startsWith("/__control/media"))
  );
}

export function createFakeMedia(publicJwk: JWK): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/__control/media") {
      const conversationId = url.searchParams.get("conversationId");
      return json({ calls: calls.filter((c) => c.body.conversationId === conversationId) });
    }
    if (url.pathname === "/__control/media/fail" && request.method === "POST") {
      failuresLeft = ((await request.json()) as { times: number }).times;
      return json({ ok: true });
    }
    if (url.pathname === "/__control/media/refuse" && request.method === "POST") {
      refusalsLeft = ((await request.json()) as { times: number }).times;
      return json({ ok: true });
    }
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    try {
      await jwtVerify(token ?? "", await importJWK(publicJwk, SERVICE_TOKEN.algorithm), {
        algorithms: [SERVICE_TOKEN.algorithm],
        issuer: SERVICE_TOKEN.issuer,
        audience: SERVICE_TOKEN.audience,
      });
    } catch {
      return error("unauthenticated", 401);
    }
    const [, region, kind] = ROUTE.exec(url.pathname) ?? [];
    if (!region || request.method !== "POST") return error("not_found", 404);
    const body = (await request.json()) as Record<string, unknown>;
    calls.push({ region, kind: kind as MediaCall["kind"], body });
    if (failuresLeft > 0) {
      failuresLeft--;
      return error("unavailable", 503);
    }
    if (kind === "uploads") {
      const parsed = RegionMediaUploadRequest.safeParse(body);
      if (!parsed.success) return error("invalid_request", 400);
      const problem = mediaUploadProblem(parsed.data);
      if (problem) return error(problem.code, problem.status);
      const objectKey = mediaObjectKey(parsed.data.conversationId, crypto.randomUUID());
      issued.set(objectKey, parsed.data.conversationId);
      uploads.set(objectKey, parsed.data);
      const ticket: MediaUploadTicket = {
        objectKey,
        uploadUrl: `http://media.test/bucket/${encodeURIComponent(objectKey)}?X-Amz-Signature=put`,
        method: "PUT",
        headers: { "content-type": parsed.data.mime, "content-length": String(parsed.data.size) },
        expiresAt: Date.now() + 300_000,
      };
      return json(ticket, 201);
    }
    if (kind === "verify") {
      const parsed = RegionMediaVerifyRequest.safeParse(body);
      if (!parsed.success) return error("invalid_request", 400);
      const upload = uploads.get(parsed.data.objectKey);
      if (
        !upload ||
        upload.userId !== parsed.data.userId ||
        upload.conversationId !== parsed.data.conversationId
      ) {
        return error("not_found", 404);
      }
      // As the real region does for bytes that are not what they claim.
      if (refusalsLeft > 0) {
        refusalsLeft--;
        return error("invalid_request", 400);
      }
      const derived = () => mediaObjectKey(upload.conversationId, crypto.randomUUID());
      const published = derived();
      issued.set(published, upload.conversationId);
      const verified: VerifiedMedia = {
        objectKey: published,
        kind: upload.kind,
        mime: upload.mime,
        size: upload.size,
        ...(upload.kind === "audio" ? { durationMs: 1500 } : { width: 64, height: 48 }),
        ...(upload.kind === "video" ? { durationMs: 2000, posterKey: derived() } : {}),
        ...(upload.kind === "image" ? { thumbnailKey: derived() } : {}),
        ...(upload.kind === "audio" ? {} : { placeholder: "1QcSHQRnh493V4dIh4eXh1h4kJUI" }),
      };
      return json(verified);
    }
    const parsed = RegionMediaDownloadRequest.safeParse(body);
    if (!parsed.success) return error("invalid_request", 400);
    if (issued.get(parsed.data.objectKey) !== parsed.data.conversationId) {
      return error("not_found", 404);
    }
    const ticket: MediaDownloadTicket = {
      objectKey: parsed.data.objectKey,
      url: `http://media.test/bucket/${encodeURIComponent(parsed.data.objectKey)}?X-Amz-Signature=get`,
      expiresAt: Date.now() + 300_000,
    };
    return json(ticket);
  };
}
