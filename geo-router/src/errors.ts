// Typed errors raised by geo-router. geo-router depends on nothing of ours, so it carries its own
// small error base with a stable `code` and `retriable`, shaped like the protocol's errors, so a
// caller can map them onto the protocol's error codes in one place.

export type GeoRouterErrorCode =
  | "invalid_region_catalog"
  | "invalid_router_options"
  | "unknown_region";

/** Base class for every error geo-router throws. Never retriable: they are configuration faults. */
export class GeoRouterError extends Error {
  readonly code: GeoRouterErrorCode;
  readonly retriable = false;

  constructor(code: GeoRouterErrorCode, message: string) {
    super(message);
    this.name = "GeoRouterError";
    this.code = code;
  }
}

/** One problem found in a region catalog, with the JSON path where it was found. */
export interface CatalogIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The region catalog (for example the `REGIONS` env var) is not valid JSON or not a valid catalog. */
export class CatalogError extends GeoRouterError {
  readonly issues: readonly CatalogIssue[];

  constructor(issues: readonly CatalogIssue[]) {
    super("invalid_region_catalog", `invalid region catalog: ${describeIssues(issues)}`);
    this.name = "CatalogError";
    this.issues = issues;
  }
}

/** A region id that is not in the catalog the router was built with. */
export class UnknownRegionError extends GeoRouterError {
  readonly regionId: string;

  constructor(regionId: string) {
    super("unknown_region", `unknown region "${regionId}"`);
    this.name = "UnknownRegionError";
    this.regionId = regionId;
  }
}

function describeIssues(issues: readonly CatalogIssue[]): string {
  return issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ` : "") + issue.message)
    .join("; ");
}
