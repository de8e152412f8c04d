import { describe, expect, it } from "vitest";
import { clientLocationFromCf } from "./client-location.ts";
import { locationHintFor } from "./location-hint.ts";

describe("locationHintFor", () => {
  it.each([
    [{ latitude: "48.85", longitude: "2.35", continent: "EU" }, "weur"], // Paris
    [{ latitude: "52.23", longitude: "21.01", continent: "EU" }, "eeur"], // Warsaw
    [{ latitude: "40.71", longitude: "-74.00", continent: "NA" }, "enam"], // New York
    [{ latitude: "37.77", longitude: "-122.42", continent: "NA" }, "wnam"], // San Francisco
    [{ latitude: "-23.55", longitude: "-46.63", continent: "SA" }, "sam"], // São Paulo
    [{ latitude: "35.68", longitude: "139.65", continent: "AS" }, "apac"], // Tokyo
    [{ latitude: "25.20", longitude: "55.27", continent: "AS" }, "me"], // Dubai
    [{ latitude: "-33.87", longitude: "151.21", continent: "OC" }, "oc"], // Sydney
    [{ latitude: "-1.29", longitude: "36.82", continent: "AF" }, "afr"], // Nairobi
    [{ continent: "NA" }, "enam"],
    [{ continent: "AS" }, "apac"],
  ])("cf %j → %s", (cf, hint) => {
    expect(locationHintFor(clientLocationFromCf(cf))).toBe(hint);
  });

  it("gives no hint when nothing is known", () => {
    expect(locationHintFor(clientLocationFromCf(undefined))).toBeUndefined();
    expect(locationHintFor(clientLocationFromCf({ continent: "AN" }))).toBeUndefined();
  });
});
