import { describe, expect, it } from "vitest";
import productionJson from "../catalogs/production.example.json";
import {
  findRegion,
  parseRegionCatalog,
  serializeRegionCatalog,
  validateRegionCatalog,
} from "./catalog.ts";
import { EXAMPLE_PRODUCTION_CATALOG, localRegionCatalog } from "./catalogs.ts";
import { CatalogError, GeoRouterError } from "./errors.ts";

const region = {
  id: "eu-west",
  name: "EU West",
  location: { lat: 50.1, lon: 8.7 },
  ingestUrl: "https://ingest.eu-west.example",
  historyUrl: "https://history.eu-west.example",
};

function catalogError(run: () => unknown): CatalogError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }
  throw new Error("expected a CatalogError");
}

describe("parseRegionCatalog", () => {
  it("accepts a valid catalog and round-trips it through JSON", () => {
    const catalog = parseRegionCatalog(JSON.stringify([region]));
    expect(catalog).toEqual([region]);
    expect(parseRegionCatalog(serializeRegionCatalog(catalog))).toEqual(catalog);
  });

  it("rejects a missing or empty env var", () => {
    for (const input of [undefined, "", "   "]) {
      const error = catalogError(() => parseRegionCatalog(input));
      expect(error.code).toBe("invalid_region_catalog");
      expect(error.retriable).toBe(false);
      expect(error).toBeInstanceOf(GeoRouterError);
    }
  });

  it("rejects text that is not JSON", () => {
    const error = catalogError(() => parseRegionCatalog("[{id: eu-west}]"));
    expect(error.issues[0]?.message).toMatch(/not valid JSON/);
  });

  it("rejects an empty array and a non-array", () => {
    expect(catalogError(() => parseRegionCatalog("[]")).message).toMatch(/at least one region/);
    catalogError(() => parseRegionCatalog(JSON.stringify(region)));
  });

  it("reports every problem with its path", () => {
    const bad = [
      { ...region, id: "EU West", location: { lat: 91, lon: -181 }, ingestUrl: "ftp://x" },
      { ...region, name: "" },
    ];
    const error = catalogError(() => validateRegionCatalog(bad));
    const paths = error.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining(["0.id", "0.location.lat", "0.location.lon", "0.ingestUrl", "1.name"]),
    );
  });

  it("rejects duplicate ids", () => {
    const error = catalogError(() => validateRegionCatalog([region, { ...region, name: "again" }]));
    expect(error.issues).toEqual([{ path: [1, "id"], message: 'duplicate region id "eu-west"' }]);
  });

  it("rejects unknown keys, so a typo like `lng` is not silently ignored", () => {
    const typo = { ...region, location: { lat: 1, lng: 2 } };
    const error = catalogError(() => validateRegionCatalog([typo]));
    expect(error.issues.map((issue) => issue.path.join("."))).toContain("0.location.lon");
  });
});

describe("shipped catalogs", () => {
  it("local catalog: eu-west on 8788 and us-east on 8789 by default, ports parameterised", () => {
    const local = validateRegionCatalog(localRegionCatalog());
    expect(findRegion(local, "eu-west")?.ingestUrl).toBe("http://127.0.0.1:8788");
    expect(findRegion(local, "us-east")?.historyUrl).toBe("http://127.0.0.1:8789");
    const moved = localRegionCatalog({ host: "127.0.0.2", euWestPort: 9001, usEastPort: 9002 });
    expect(moved.map((r) => r.ingestUrl)).toEqual([
      "http://127.0.0.2:9001",
      "http://127.0.0.2:9002",
    ]);
    const three = validateRegionCatalog(localRegionCatalog({ apSoutheastPort: 9003 }));
    expect(three.map((r) => [r.id, r.ingestUrl])).toEqual([
      ["eu-west", "http://127.0.0.1:8788"],
      ["us-east", "http://127.0.0.1:8789"],
      ["ap-southeast", "http://127.0.0.1:9003"],
    ]);
    // The same coordinates as production, so cf-based ranking picks the same region locally.
    expect(three.map((r) => r.location)).toEqual(EXAMPLE_PRODUCTION_CATALOG.map((r) => r.location));
  });

  it("the example production catalog is valid and equals catalogs/production.example.json", () => {
    expect(validateRegionCatalog(EXAMPLE_PRODUCTION_CATALOG)).toEqual(EXAMPLE_PRODUCTION_CATALOG);
    expect(validateRegionCatalog(productionJson)).toEqual(EXAMPLE_PRODUCTION_CATALOG);
    expect(EXAMPLE_PRODUCTION_CATALOG.map((r) => r.id)).toEqual([
      "eu-west",
      "us-east",
      "ap-southeast",
    ]);
  });
});
