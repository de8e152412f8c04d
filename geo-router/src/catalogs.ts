// Ready-made catalogs: the two simulated regions `npm start` runs on one machine, and an example
// production catalog that the docs and the terraform region list follow
// (catalogs/production.example.json holds the same data as JSON; a test keeps them equal).
import type { Region, RegionCatalog } from "./catalog.ts";

export interface LocalCatalogOptions {
  /** Loopback address the local region-core processes listen on. */
  readonly host?: string;
  /** Port of the simulated eu-west region-core. */
  readonly euWestPort?: number;
  /** Port of the simulated us-east region-core. */
  readonly usEastPort?: number;
  /** Port of a third simulated region, ap-southeast; absent, the catalog has two regions. */
  readonly apSoutheastPort?: number;
}

export const DEFAULT_LOCAL_HOST = "127.0.0.1";
export const DEFAULT_EU_WEST_PORT = 8788;
export const DEFAULT_US_EAST_PORT = 8789;

// Real coordinates for the simulated regions, so distance ranking behaves locally as it would in
// production (a client given European cf coordinates lands on eu-west).
const FRANKFURT = { lat: 50.1109, lon: 8.6821 } as const;
const ASHBURN_VIRGINIA = { lat: 39.0438, lon: -77.4874 } as const;
const SINGAPORE = { lat: 1.3521, lon: 103.8198 } as const;

/**
 * Simulated regions on loopback: eu-west (default port 8788) and us-east (8789), plus ap-southeast
 * when its port is given, so the three production regions can all run on one machine.
 */
export function localRegionCatalog(options: LocalCatalogOptions = {}): RegionCatalog {
  const host = options.host ?? DEFAULT_LOCAL_HOST;
  const regions = [
    localRegion(
      "eu-west",
      "EU West (local)",
      FRANKFURT,
      host,
      options.euWestPort ?? DEFAULT_EU_WEST_PORT,
    ),
    localRegion(
      "us-east",
      "US East (local)",
      ASHBURN_VIRGINIA,
      host,
      options.usEastPort ?? DEFAULT_US_EAST_PORT,
    ),
  ];
  if (options.apSoutheastPort !== undefined) {
    regions.push(
      localRegion("ap-southeast", "Asia Pacific (local)", SINGAPORE, host, options.apSoutheastPort),
    );
  }
  return regions;
}

function localRegion(
  id: string,
  name: string,
  location: Region["location"],
  host: string,
  port: number,
): Region {
  const base = `http://${host}:${port}`;
  return { id, name, location, ingestUrl: base, historyUrl: base };
}

/** An example three-region production catalog (hostnames use the reserved .example TLD). */
export const EXAMPLE_PRODUCTION_CATALOG: RegionCatalog = [
  productionRegion("eu-west", "EU West (Frankfurt)", FRANKFURT),
  productionRegion("us-east", "US East (Virginia)", ASHBURN_VIRGINIA),
  productionRegion("ap-southeast", "Asia Pacific (Singapore)", SINGAPORE),
];

function productionRegion(id: string, name: string, location: Region["location"]): Region {
  return {
    id,
    name,
    location,
    ingestUrl: `https://ingest.${id}.edge-chat.example`,
    historyUrl: `https://history.${id}.edge-chat.example`,
  };
}
