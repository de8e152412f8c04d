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
  SERVICE_TOKEN,
} from "@edge-chat/protocol";
import { importJWK, type JWK, jwtVerify } from "jose";
import { Response } from "miniflare";

export interface MediaCall {
  region: string;
  kind: "uploads" | "downloads";
  body: Record<string, unknown>;
}

const calls: MediaCall[] = [];
/** Keys issued, with their conversation: downloads of anything else are not_found. */
const issued = new Map<string, string>();
let failuresLeft = 0;

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

const ROUTE = /^\/([a-z0-9-]+)\/v1\/media\/(uploads|downloads)$/;

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
      const ticket: MediaUploadTicket = {
        objectKey,
        uploadUrl: `http://media.test/bucket/${encodeURIComponent(objectKey)}?X-Amz-Signature=put`,
        method: "PUT",
        headers: { "content-type": parsed.data.mime, "content-length": String(parsed.data.size) },
        expiresAt: Date.now() + 300_000,
      };
      return json(ticket, 201);
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
