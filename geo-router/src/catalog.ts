// The region catalog: which regions exist, where they are, and where their ingest and history APIs
// live. The edge reads it from the `REGIONS` env var (a JSON array) and region-core reads the same
// catalog, so it is parsed and validated here once, with every problem reported at once.
import { z } from "zod";
import { CatalogError, type CatalogIssue } from "./errors.ts";

/** A point on the Earth in decimal degrees (WGS 84). */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/**
 * One region: a regional deployment of region-core with its own Cassandra datacenter.
 * `ingestUrl` and `historyUrl` are base URLs; callers append their API paths.
 */
export interface Region {
  readonly id: string;
  readonly name: string;
  readonly location: GeoPoint;
  readonly ingestUrl: string;
  readonly historyUrl: string;
}

/** The ordered list of regions. Order carries no meaning for routing; ids are unique. */
export type RegionCatalog = readonly Region[];

// Region ids appear in URLs, metrics labels and env vars, so keep them to a safe, stable alphabet.
const regionId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lowercase letters, digits and dashes (e.g. eu-west)");

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" });

const regionSchema = z.strictObject({
  id: regionId,
  name: z.string().trim().min(1, "must not be empty"),
  location: z.strictObject({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
  }),
  ingestUrl: httpUrl,
  historyUrl: httpUrl,
});

const catalogSchema = z
  .array(regionSchema)
  .min(1, "must list at least one region")
  .superRefine((regions, ctx) => {
    const seen = new Set<string>();
    regions.forEach((region, index) => {
      if (seen.has(region.id)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "id"],
          message: `duplicate region id "${region.id}"`,
        });
      }
      seen.add(region.id);
    });
  });

/** Validates an already-decoded catalog value; throws CatalogError listing every problem. */
export function validateRegionCatalog(value: unknown): RegionCatalog {
  const result = catalogSchema.safeParse(value);
  if (!result.success) {
    throw new CatalogError(
      result.error.issues.map(
        (issue): CatalogIssue => ({
          path: issue.path.map((key) => (typeof key === "number" ? key : String(key))),
          message: issue.message,
        }),
      ),
    );
  }
  return result.data;
}

/** Parses the catalog from JSON text, e.g. the `REGIONS` env var. Throws CatalogError. */
export function parseRegionCatalog(json: string | undefined): RegionCatalog {
  if (json === undefined || json.trim() === "") {
    throw new CatalogError([{ path: [], message: "is empty (set REGIONS to a JSON array)" }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "unparseable";
    throw new CatalogError([{ path: [], message: `is not valid JSON (${reason})` }]);
  }
  return validateRegionCatalog(value);
}

/** The JSON text for a catalog, as the `REGIONS` env var holds it. */
export function serializeRegionCatalog(catalog: RegionCatalog): string {
  return JSON.stringify(catalog);
}

/** The region with this id, or undefined. */
export function findRegion(catalog: RegionCatalog, id: string): Region | undefined {
  return catalog.find((region) => region.id === id);
}
