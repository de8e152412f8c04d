import { describe, expect, it } from "vitest";
import { clientLocationFromCf, resolveClientPoint } from "./client-location.ts";
import { haversineKm } from "./geo.ts";

describe("haversineKm", () => {
  it("matches known great-circle distances", () => {
    const frankfurt = { lat: 50.1109, lon: 8.6821 };
    const singapore = { lat: 1.3521, lon: 103.8198 };
    const london = { lat: 51.5074, lon: -0.1278 };
    const paris = { lat: 48.8566, lon: 2.3522 };
    expect(haversineKm(london, paris)).toBeCloseTo(343.5, 0);
    expect(haversineKm(frankfurt, singapore)).toBeGreaterThan(10_200);
    expect(haversineKm(frankfurt, singapore)).toBeLessThan(10_300);
    expect(haversineKm(paris, paris)).toBe(0);
  });

  it("is finite for antipodal points (half the circumference)", () => {
    const d = haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 });
    expect(d).toBeCloseTo(Math.PI * 6371.0088, 3);
  });
});

describe("clientLocationFromCf", () => {
  it("reads cf's string coordinates, continent and colo", () => {
    const cf = { latitude: "48.85660", longitude: "2.35220", continent: "EU", colo: "CDG" };
    expect(clientLocationFromCf(cf)).toEqual({
      lat: 48.8566,
      lon: 2.3522,
      continent: "EU",
      colo: "CDG",
    });
  });

  it("drops missing, partial and garbage fields", () => {
    expect(clientLocationFromCf(undefined)).toEqual({});
    expect(clientLocationFromCf({ latitude: "48.8" })).toEqual({});
    expect(clientLocationFromCf({ latitude: "", longitude: "" })).toEqual({});
    expect(clientLocationFromCf({ latitude: "north", longitude: "2", continent: "XX" })).toEqual(
      {},
    );
    expect(clientLocationFromCf({ latitude: "95", longitude: "2", colo: "" })).toEqual({});
  });
});

describe("resolveClientPoint", () => {
  const fallback = { lat: 1, lon: 2 };

  it("prefers coordinates, then the continent, then the default region", () => {
    expect(resolveClientPoint({ lat: 10, lon: 20, continent: "EU" }, fallback)).toEqual({
      point: { lat: 10, lon: 20 },
      source: "coordinates",
    });
    expect(resolveClientPoint({ continent: "OC" }, fallback).source).toBe("continent");
    expect(resolveClientPoint({}, fallback)).toEqual({ point: fallback, source: "default-region" });
  });
});
