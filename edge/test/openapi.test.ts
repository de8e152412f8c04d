// The served OpenAPI document matches the routes the Worker really has (none missing, none
// invented), every $ref resolves, and real answers validate against the documented schemas.
import { ClientFrame, InboxClientFrame, InboxServerFrame, ServerFrame } from "@edge-chat/protocol";
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/http/app.ts";
import { openApiPath, ROUTES, routeTableMismatches } from "../src/http/routes.ts";
import { api, createGroup, users } from "./support/client.ts";

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};

async function served(): Promise<Doc> {
  const res = await SELF.fetch("https://edge.test/v1/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe("GET /v1/openapi.json", () => {
  it("documents every error code, the internal permanent failure included", async () => {
    const schemas = JSON.stringify((await served()).components.schemas);
    for (const code of ["invalid_request", "internal", "permanent_failure"]) {
      expect(schemas).toContain(`"${code}"`);
    }
  });

  it("has a route table that is exactly the routes the app registers", () => {
    const registered = createApp()
      // The chaos suite's eviction route is test-only (404 unless CHAOS_EVICT_ROUTE=1) and
      // deliberately left out of the public table.
      .routes.filter((r) => r.method !== "ALL" && !r.path.startsWith("/__chaos/"));
    expect(registered.length).toBeGreaterThan(15);
    expect(routeTableMismatches(registered)).toEqual({ undocumented: [], unserved: [] });
  });

  it("documents every row of the route table, and nothing else", async () => {
    const doc = await served();
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const table = ROUTES.map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`).sort();
    expect(documented).toEqual(table);
  });

  it("resolves every $ref and documents an error body for every error status", async () => {
    const doc = await served();
    const text = JSON.stringify(doc);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of refs) expect(doc.components.schemas, name).toHaveProperty(name);
    const send = doc.paths["/v1/conversations/{id}/messages"]!.post!.responses;
    expect(Object.keys(send)).toEqual(
      expect.arrayContaining(["201", "400", "401", "404", "413", "429"]),
    );
  });

  it("describes real answers: a created group and a send ack validate against their schemas", async () => {
    const doc = await served();
    const [a, b] = users(2);
    const group = await createGroup(a!, [b!]);
    const sent = await api(a!, "POST", `/v1/conversations/${group}/messages`, {
      clientMsgId: "openapi-1",
      content: { kind: "text", text: "hello" },
    });
    expect(sent.status).toBe(201);
    const ack = doc.components.schemas.SendAck as { required: string[]; properties: object };
    expect(Object.keys(sent.body).sort()).toEqual(Object.keys(ack.properties).sort());
    for (const key of ack.required) expect(sent.body).toHaveProperty(key);
    const missing = await api(a!, "GET", "/v1/conversations/g:nope");
    const error = doc.components.schemas.ErrorResponse as { required: string[] };
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.body)).toEqual(error.required);
  });

  it("serves a Markdown reference naming every WebSocket frame type", async () => {
    const res = await SELF.fetch("https://edge.test/v1/frames.md");
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const union of [ClientFrame, ServerFrame, InboxClientFrame, InboxServerFrame]) {
      for (const option of union.options) {
        expect(text).toContain(`### \`${option.shape.type.value}\``);
      }
    }
    expect(text).toContain("| `reqId` |");
  });
});
