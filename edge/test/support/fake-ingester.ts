// A stand-in regional ingester for the edge's workerd tests, running in Node as Miniflare's
// outbound service: every fetch the Worker makes to http://ingest.test lands here. It checks what
// the real one checks (service token signature and claims, IngestBatch schema) and can be told to
// fail for one conversation. Tests read and steer it over HTTP through the same outbound path.
import {
  IngestBatch,
  type Message,
  type RegionHistoryPage,
  RegionHistoryQuery,
  SERVICE_TOKEN,
} from "@edge-chat/protocol";
import { importJWK, type JWK, jwtVerify } from "jose";
import { Response } from "miniflare";

interface Received {
  region: string;
  batch: IngestBatch;
}

const received: Received[] = [];
const failures = new Map<string, number>();
let rejected = 0;

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The ingester for one test run, verifying service tokens with `publicJwk`. */
export function createFakeIngester(publicJwk: JWK): (request: Request) => Promise<Response> {
  return (request) => handle(request, publicJwk);
}

async function handle(request: Request, publicJwk: JWK): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname !== "ingest.test") return new Response("no network in tests", { status: 502 });

  if (url.pathname === "/__control/fail" && request.method === "POST") {
    const { conversationId, times } = (await request.json()) as {
      conversationId: string;
      times: number;
    };
    failures.set(conversationId, times);
    return json({ ok: true });
  }
  if (url.pathname === "/__control/batches") {
    const conversationId = url.searchParams.get("conversationId");
    return json({
      batches: received.filter((r) => r.batch.conversationId === conversationId),
      failuresLeft: failures.get(conversationId ?? "") ?? 0,
      rejected,
    });
  }

  const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  try {
    await jwtVerify(token ?? "", await importJWK(publicJwk, SERVICE_TOKEN.algorithm), {
      algorithms: [SERVICE_TOKEN.algorithm],
      issuer: SERVICE_TOKEN.issuer,
      audience: SERVICE_TOKEN.audience,
    });
  } catch {
    rejected++;
    return json({ error: "bad token" }, 401);
  }
  const history = /^\/([a-z0-9-]+)\/v1\/history\/([^/]+)$/.exec(url.pathname);
  if (history && request.method === "GET") {
    return historyPage(decodeURIComponent(history[2]!), url.searchParams);
  }
  const match = /^\/([a-z0-9-]+)\/v1\/ingest$/.exec(url.pathname);
  if (!match || request.method !== "POST") return json({ error: "no route" }, 404);
  const parsed = IngestBatch.safeParse(await request.json());
  if (!parsed.success) {
    rejected++;
    return json({ error: "bad batch" }, 400);
  }
  const batch = parsed.data;
  const left = failures.get(batch.conversationId) ?? 0;
  if (left > 0) {
    failures.set(batch.conversationId, left - 1);
    return json({ error: "simulated outage" }, 503);
  }
  received.push({ region: match[1]!, batch });
  return json({ batchId: batch.batchId, accepted: batch.events.length });
}

/** The region's history API over what was ingested: ascending pages, members only. */
function historyPage(conversationId: string, params: URLSearchParams): Response {
  const query = RegionHistoryQuery.safeParse(Object.fromEntries(params));
  if (!query.success) return json({ error: "bad query" }, 400);
  const { userId, before, after, limit } = query.data;
  const events = received
    .filter((r) => r.batch.conversationId === conversationId)
    .flatMap((r) => r.batch.events);
  const membership = events.filter((e) => e.type === "membership").at(-1);
  if (!membership?.members.some((m) => m.userId === userId)) return json({ error: "nf" }, 404);
  const bySeq = new Map<number, Message>();
  for (const e of events) if (e.type === "message") bySeq.set(e.message.seq, e.message);
  const inRange = [...bySeq.values()]
    .filter(
      (m) => (after === undefined || m.seq > after) && (before === undefined || m.seq < before),
    )
    .sort((a, b) => a.seq - b.seq);
  const page: RegionHistoryPage =
    after !== undefined
      ? { messages: inRange.slice(0, limit), hasMore: inRange.length > limit }
      : { messages: inRange.slice(-limit), hasMore: inRange.length > limit };
  return json(page);
}
