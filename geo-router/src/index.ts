// @edge-chat/geo-router: pure routing for the edge. Parse the region catalog, build a router, and
// ask it which regions to try for a client; feed back successes and failures. No I/O, no clock:
// runs the same under workerd and Node.
export {
  type GeoPoint,
  parseRegionCatalog,
  type Region,
  type RegionCatalog,
  findRegion,
  serializeRegionCatalog,
  validateRegionCatalog,
} from "./catalog.ts";
export {
  DEFAULT_EU_WEST_PORT,
  DEFAULT_LOCAL_HOST,
  DEFAULT_US_EAST_PORT,
  EXAMPLE_PRODUCTION_CATALOG,
  type LocalCatalogOptions,
  localRegionCatalog,
} from "./catalogs.ts";
export {
  type ClientLocation,
  type Continent,
  clientLocationFromCf,
  type ResolvedPoint,
  resolveClientPoint,
} from "./client-location.ts";
export { type LocationHint, locationHintFor } from "./location-hint.ts";
export {
  type CatalogIssue,
  CatalogError,
  GeoRouterError,
  type GeoRouterErrorCode,
  UnknownRegionError,
} from "./errors.ts";
export { EARTH_RADIUS_KM, haversineKm } from "./geo.ts";
export {
  type CircuitPhase,
  circuitPhase,
  FRESH_HEALTH,
  type HealthTier,
  healthTier,
  type LatencyEstimate,
  type OutcomeBucket,
  type RegionHealth,
} from "./health.ts";
export {
  type BreakerOptions,
  DEFAULT_BREAKER_OPTIONS,
  DEFAULT_SCORING_OPTIONS,
  type ScoringOptions,
} from "./options.ts";
export {
  type Candidate,
  type ChooseOptions,
  createGeoRouter,
  type GeoRouter,
  type GeoRouterConfig,
} from "./router.ts";
export { estimateRttMs, latencyEvidenceWeight, type Score } from "./scoring.ts";
export { healthOf, ROUTER_STATE_VERSION, type RouterState } from "./state.ts";
