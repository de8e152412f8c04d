// Observability provisioning against the rest of the repository: the Grafana dashboard JSON is the
// one generated from the local dashboard's panel list, queries only metrics region-core really
// exports and stages the edge really records, names the data sources the module creates; every
// region module gets the metrics agent that scrapes region-core's /metrics on its own port.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are HCL interpolations.
import { readFileSync } from "node:fs";
import { EdgeStage } from "@edge-chat/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../../region-core/src/metrics.ts";
import {
  ANALYTICS_ENGINE_UID,
  DASHBOARD_FILE,
  EDGE_DATASET,
  grafanaDashboard,
  PROMETHEUS_UID,
} from "../../tools/metrics/grafana.ts";
import { PANELS } from "../../tools/metrics/panels.ts";
import { expr, type Hcl, loadModule, repoRoot, single } from "./hcl.ts";

let observability: Hcl;
let region: Hcl;
let production: Hcl;

beforeAll(async () => {
  observability = await loadModule("modules/observability");
  region = await loadModule("modules/region");
  production = await loadModule("environments/production");
}, 120_000);

describe("the Grafana dashboard", () => {
  it("is the JSON generated from tools/metrics/panels.ts (run `npm run -w tools/metrics grafana`)", () => {
    expect(JSON.parse(readFileSync(DASHBOARD_FILE, "utf8"))).toEqual(grafanaDashboard());
  });

  it("queries only metrics region-core exports and stages the edge records", async () => {
    const exported = new Set(
      (await createMetrics("x").registry.getMetricsAsJSON()).map((m) => m.name),
    );
    for (const panel of PANELS) {
      if (panel.edgeStage) expect(EdgeStage.options).toContain(panel.edgeStage);
      else expect(exported, panel.metric).toContain(panel.metric);
    }
    const json = JSON.stringify(grafanaDashboard());
    for (const name of json.matchAll(/\b(region_[a-z_]+?)(?:_bucket)?\{/g)) {
      expect(exported, name[1]).toContain(name[1]);
    }
    expect(json).toContain(`FROM ${EDGE_DATASET}`);
  });

  it("names the data sources the observability module creates, and is provisioned from its file", () => {
    const sources = observability.resource.grafana_data_source as Hcl;
    expect(single(sources, "prometheus").uid).toBe(PROMETHEUS_UID);
    expect(single(sources, "analytics_engine").uid).toBe(ANALYTICS_ENGINE_UID);
    const dashboard = single(observability.resource.grafana_dashboard as Hcl, "latency");
    expect(expr(dashboard.config_json)).toBe('file("${path.module}/dashboards/edge-chat.json")');
    const uids = new Set(
      [...JSON.stringify(grafanaDashboard()).matchAll(/"uid":"([^"]+)"/g)].map((m) => m[1]),
    );
    expect(uids).toEqual(new Set([PROMETHEUS_UID, ANALYTICS_ENGINE_UID, "edge-chat-latency"]));
  });

  it("matches the dataset the Worker writes (wrangler.toml's EDGE_METRICS binding)", () => {
    const wrangler = readFileSync(`${repoRoot}/wrangler.toml`, "utf8");
    expect(wrangler).toMatch(
      new RegExp(`binding = "EDGE_METRICS"\\s*\\ndataset = "${EDGE_DATASET}"`),
    );
  });
});

describe("the scrape configuration", () => {
  it("runs a metrics agent beside region-core that scrapes /metrics on region-core's port", () => {
    const template = readFileSync(
      `${repoRoot}/terraform/modules/region/templates/metrics-agent.yaml.tftpl`,
      "utf8",
    );
    expect(template).toContain("metrics_path: /metrics");
    expect(template).toContain('targets: ["127.0.0.1:${port}"]');
    const locals = Object.assign({}, ...(region.locals as Hcl[]));
    expect(expr(locals.metrics_agent_config)).toContain("port = local.service_port");
    const task = single(region.resource.aws_ecs_task_definition as Hcl, "region_core");
    expect(expr(task.container_definitions)).toContain("local.metrics_agent_containers");
  });

  it("wires every production region to the shared workspace", () => {
    const modules = Object.values(production.module as Hcl)
      .map((blocks) => (blocks as Hcl[])[0] as Hcl)
      .filter((m) => m.source === "../../modules/region");
    expect(modules.length).toBeGreaterThanOrEqual(3);
    for (const m of modules) {
      expect(expr(m.metrics_remote_write_url)).toBe("module.observability.remote_write_url");
      expect(expr(m.metrics_workspace_arn)).toBe("module.observability.workspace_arn");
    }
  });
});
