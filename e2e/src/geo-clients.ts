// Clients somewhere on Earth as the edge sees them: a dev token, and requests that carry the
// client's `request.cf` (Miniflare's cf option); and the regions' ingest counters, which tell which
// region took a conversation's batches. Shared by the geo-routing suites (embedded and real stores).
import type { CfProperties, RunningEdge } from "./edge.ts";
import type { RegionProcess } from "./region.ts";

/** request.cf as Cloudflare fills it (coordinates arrive as strings). */
export const PLACES = {
  paris: { latitude: "48.8566", longitude: "2.3522", continent: "EU", colo: "CDG" },
  newYork: { latitude: "40.7128", longitude: "-74.0060", continent: "NA", colo: "EWR" },
  tokyo: { latitude: "35.6762", longitude: "139.6503", continent: "AS", colo: "NRT" },
  // A network that reveals only the continent. Miniflare merges a request's cf over its offline
  // placeholder (coordinates in Texas), so the coordinates are blanked explicitly; an empty string
  // is what the edge must treat as "unknown" anyway.
  asiaOnly: { continent: "AS", latitude: "", longitude: "" },
} as const satisfies Record<string, CfProperties>;

export interface GeoClient {
  userId: string;
  token: string;
  cf: CfProperties;
}

/** The edge as seen by clients at given places: every request carries its sender's cf. */
export class GeoEdge {
  readonly edge: RunningEdge;

  constructor(edge: RunningEdge) {
    this.edge = edge;
  }

  /** A new user (a unique id from `name`) with a dev token, located at `cf`. */
  async client(name: string, cf: CfProperties): Promise<GeoClient> {
    const userId = `${name.replace(/\W+/g, "-").toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`;
    const res = await this.edge.fetch("/dev/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    const { token } = (await expectStatus(res, 200)) as { token: string };
    return { userId, token, cf };
  }

  call(from: GeoClient, path: string, body: unknown): Promise<Response> {
    return this.edge.fetch(path, {
      method: "POST",
      headers: { authorization: `Bearer ${from.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      cf: from.cf,
    });
  }

  /** A direct conversation of `from` with a peer of its own; returns its id. */
  async directConversation(from: GeoClient): Promise<string> {
    const res = await this.call(from, "/v1/conversations/direct", {
      peerId: `peer-${from.userId}`,
    });
    return ((await expectStatus(res, 200, 201)) as { conversationId: string }).conversationId;
  }

  /** A new client at `cf` with a direct conversation in which it has sent `texts`. */
  async conversationFrom(
    name: string,
    cf: CfProperties,
    texts: readonly string[],
  ): Promise<{ client: GeoClient; conversationId: string }> {
    const client = await this.client(name, cf);
    const conversationId = await this.directConversation(client);
    await this.send(client, conversationId, texts);
    return { client, conversationId };
  }

  /** Sends each text in turn (client message id: sender and text); each must be acknowledged. */
  async send(from: GeoClient, conversationId: string, texts: readonly string[]): Promise<void> {
    for (const text of texts) {
      const res = await this.call(
        from,
        `/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
        { clientMsgId: `${from.userId}-${text}`, content: { kind: "text", text } },
      );
      await expectStatus(res, 201);
    }
  }
}

/** Events each running region has accepted on POST /v1/ingest (its process's counter; 0 if down). */
export async function ingestedEvents<Id extends string>(
  regions: ReadonlyMap<Id, RegionProcess>,
): Promise<Record<Id, number>> {
  const counts = {} as Record<Id, number>;
  for (const [id, region] of regions) {
    counts[id] = 0;
    if (!region.running) continue;
    const text = await (await fetch(`${region.url}/metrics`)).text();
    for (const line of text.split("\n")) {
      if (line.startsWith("region_ingested_events_total"))
        counts[id] += Number(line.split(" ").at(-1));
    }
  }
  return counts;
}

/** Per region: `after` minus `before`. */
export function countDelta<Id extends string>(
  after: Record<Id, number>,
  before: Record<Id, number>,
): Record<Id, number> {
  const out = {} as Record<Id, number>;
  for (const id of Object.keys(after) as Id[]) out[id] = after[id] - (before[id] ?? 0);
  return out;
}

async function expectStatus(res: Response, ...ok: number[]): Promise<unknown> {
  const text = await res.text();
  if (!ok.includes(res.status)) throw new Error(`edge answered ${res.status}: ${text}`);
  return JSON.parse(text);
}
