// Where a new Durable Object should live: Cloudflare places an object near the first request that
// creates it unless `get(id, { locationHint })` says otherwise. A conversation's object should sit
// near its creator (the member most likely to be active first), which is where the create request
// comes from anyway; the hint makes that explicit and survives a request routed through another
// colo. Cloudflare's hint names are fixed (see the Durable Objects "data location" docs).
import type { ClientLocation } from "./client-location.ts";

export type LocationHint = "wnam" | "enam" | "sam" | "weur" | "eeur" | "apac" | "oc" | "afr" | "me";

/**
 * The location hint for a client, from its coordinates when cf has them (split points: 100°W
 * between western and eastern North America, 20°E between western and eastern Europe, the
 * Middle East as 25–63°E below 43°N), else from its continent; undefined when nothing is known.
 */
export function locationHintFor(location: ClientLocation): LocationHint | undefined {
  const { lat, lon, continent } = location;
  const known = lat !== undefined && lon !== undefined;
  if (known && lat < 43 && lat > 12 && lon > 25 && lon < 63) return "me";
  switch (continent) {
    case "NA":
      return known && lon < -100 ? "wnam" : "enam";
    case "SA":
      return "sam";
    case "EU":
      return known && lon > 20 ? "eeur" : "weur";
    case "AF":
      return "afr";
    case "AS":
      return "apac";
    case "OC":
      return "oc";
    default:
      return undefined;
  }
}
