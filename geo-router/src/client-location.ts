// Where the client is, as far as the edge knows: the Cloudflare `request.cf` fields, read without
// the workers types so this stays a plain ESNext module. cf data can be missing (local dev, Miniflare
// offline, some networks), so resolution falls back from coordinates to the continent to the
// configured default region.
import type { GeoPoint } from "./catalog.ts";

/** Cloudflare's two-letter continent codes. */
export type Continent = "AF" | "AN" | "AS" | "EU" | "NA" | "OC" | "SA";

/** What the edge knows about the client's location; every field may be missing. */
export interface ClientLocation {
  readonly lat?: number;
  readonly lon?: number;
  readonly continent?: Continent;
  /** IATA code of the Cloudflare data centre that took the request, for logs and metrics. */
  readonly colo?: string;
}

/** The point ranking measures from, and which piece of evidence it came from. */
export interface ResolvedPoint {
  readonly point: GeoPoint;
  readonly source: "coordinates" | "continent" | "default-region";
}

// Rough population-weighted centres: only used when cf has a continent but no coordinates, where
// "somewhere in Europe" still beats knowing nothing.
const CONTINENT_CENTRES: Record<Continent, GeoPoint> = {
  AF: { lat: 5.0, lon: 20.0 },
  AN: { lat: -80.0, lon: 0.0 },
  AS: { lat: 25.0, lon: 100.0 },
  EU: { lat: 50.0, lon: 10.0 },
  NA: { lat: 40.0, lon: -95.0 },
  OC: { lat: -25.0, lon: 140.0 },
  SA: { lat: -15.0, lon: -60.0 },
};

const isContinent = (value: unknown): value is Continent =>
  typeof value === "string" && Object.hasOwn(CONTINENT_CENTRES, value);

/**
 * Reads `request.cf` (or anything else): latitude and longitude arrive as strings there, and any
 * field may be absent or garbage, in which case it is simply left out.
 */
export function clientLocationFromCf(cf: unknown): ClientLocation {
  if (typeof cf !== "object" || cf === null) return {};
  const fields = cf as Record<string, unknown>;
  const lat = toCoordinate(fields.latitude, 90);
  const lon = toCoordinate(fields.longitude, 180);
  const location: { -readonly [K in keyof ClientLocation]: ClientLocation[K] } = {};
  // Coordinates only count as a pair: a latitude alone says nothing useful about distance.
  if (lat !== undefined && lon !== undefined) {
    location.lat = lat;
    location.lon = lon;
  }
  if (isContinent(fields.continent)) location.continent = fields.continent;
  if (typeof fields.colo === "string" && fields.colo !== "") location.colo = fields.colo;
  return location;
}

function toCoordinate(value: unknown, limit: number): number | undefined {
  const parsed =
    typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (typeof value === "string" && value.trim() === "") return undefined;
  return Number.isFinite(parsed) && Math.abs(parsed) <= limit ? parsed : undefined;
}

/** The best point we have for the client; `fallback` is the default region's location. */
export function resolveClientPoint(location: ClientLocation, fallback: GeoPoint): ResolvedPoint {
  if (
    location.lat !== undefined &&
    location.lon !== undefined &&
    Number.isFinite(location.lat) &&
    Number.isFinite(location.lon) &&
    Math.abs(location.lat) <= 90 &&
    Math.abs(location.lon) <= 180
  ) {
    return { point: { lat: location.lat, lon: location.lon }, source: "coordinates" };
  }
  if (location.continent !== undefined && isContinent(location.continent)) {
    return { point: CONTINENT_CENTRES[location.continent], source: "continent" };
  }
  return { point: fallback, source: "default-region" };
}
