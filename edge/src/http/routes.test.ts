import { describe, expect, it } from "vitest";
import { openApiPath, ROUTES, type RouteDoc, routeTableMismatches } from "./routes.ts";

describe("openApiPath", () => {
  it("turns Hono's parameters, patterns included, into OpenAPI's", () => {
    expect(openApiPath("/v1/conversations/:id/messages/:seq")).toBe(
      "/v1/conversations/{id}/messages/{seq}",
    );
    expect(openApiPath("/v1/conversations/:id/media/:objectKey{.+}")).toBe(
      "/v1/conversations/{id}/media/{objectKey}",
    );
    expect(openApiPath("/health")).toBe("/health");
  });
});

describe("routeTableMismatches", () => {
  const row = (method: RouteDoc["method"], path: string): RouteDoc => ({
    method,
    path,
    summary: "",
    auth: "bearer",
    responses: { 204: null },
    errors: [],
  });
  const table = [row("get", "/a/:id"), row("post", "/a")];

  it("finds nothing when the app registers exactly the table", () => {
    const registered = [
      { method: "GET", path: "/a/:id" },
      { method: "POST", path: "/a" },
      // Hono lists a route once per middleware too: duplicates are one route.
      { method: "GET", path: "/a/:id" },
    ];
    expect(routeTableMismatches(registered, table)).toEqual({ undocumented: [], unserved: [] });
  });

  it("names a registered route the table lacks, and a row no route serves", () => {
    const registered = [
      { method: "GET", path: "/a/:id" },
      { method: "DELETE", path: "/a/:id" },
    ];
    expect(routeTableMismatches(registered, table)).toEqual({
      undocumented: ["DELETE /a/:id"],
      unserved: ["POST /a"],
    });
  });

  it("holds one row per method and path", () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
