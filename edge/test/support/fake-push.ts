// A stand-in push webhook for the edge's workerd tests, running in Node behind Miniflare's outbound
// service: POST http://push.test/notify receives PushNotification JSON, checks the service token
// and the schema, and records it; tests read what a user received at GET /__control/pushes?userId=.
// POST /__control/down?userId=&down=1|0 makes it answer 503 to that user's pushes (an outage that
// touches no other test); `refused` counts those answers.
import { PushNotification, SERVICE_TOKEN } from "@edge-chat/protocol";
import { importJWK, type JWK, jwtVerify } from "jose";
import { Response } from "miniflare";

const received: PushNotification[] = [];
let rejected = 0;
const down = new Set<string>();
const refused = new Map<string, number>();

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });
}

export function createFakePush(publicJwk: JWK): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/__control/pushes") {
      const userId = url.searchParams.get("userId");
      return json({
        pushes: received.filter((p) => p.userId === userId),
        rejected,
        refused: refused.get(userId ?? "") ?? 0,
      });
    }
    if (url.pathname === "/__control/down" && request.method === "POST") {
      const userId = url.searchParams.get("userId") ?? "";
      if (url.searchParams.get("down") === "1") down.add(userId);
      else down.delete(userId);
      return json({ ok: true });
    }
    if (url.pathname !== "/notify" || request.method !== "POST") return json({}, 404);
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
    const parsed = PushNotification.safeParse(await request.json());
    if (!parsed.success) {
      rejected++;
      return json({ error: "bad notification" }, 400);
    }
    if (down.has(parsed.data.userId)) {
      refused.set(parsed.data.userId, (refused.get(parsed.data.userId) ?? 0) + 1);
      return json({ error: "down" }, 503);
    }
    received.push(parsed.data);
    return json({ ok: true }, 202);
  };
}
