// Generates the production Grafana dashboard from the same panel list the local /dashboard draws
// (panels.ts): region panels as PromQL over the regions' Prometheus metrics, edge panels as SQL over
// the Workers Analytics Engine dataset. `npm run -w tools/metrics grafana` writes it to
// terraform/modules/observability/dashboards/edge-chat.json; a test keeps the file in sync.
import { writeFileSync } from "node:fs";
import { type Panel, PANELS } from "./panels.ts";

export const DASHBOARD_FILE = new URL(
  "../../terraform/modules/observability/dashboards/edge-chat.json",
  import.meta.url,
);
/** Data source uids, fixed by terraform/modules/observability so the JSON can name them. */
export const PROMETHEUS_UID = "edge-chat-prometheus";
export const ANALYTICS_ENGINE_UID = "edge-chat-analytics-engine";
/** The Analytics Engine dataset the Worker writes (wrangler.toml's EDGE_METRICS binding). */
export const EDGE_DATASET = "edge_chat_latency";

const QUANTILES = [0.5, 0.95, 0.99] as const;

function selector(panel: Panel): string {
  const matchers = Object.entries(panel.where ?? {}).map(([k, v]) => `${k}="${v}"`);
  return `{${[...matchers, 'region=~"$region"'].join(", ")}}`;
}

const legend = (by: string[]) => by.map((label) => `{{${label}}}`).join(" · ");

function prometheusTargets(panel: Panel) {
  const by = panel.by ?? ["region"];
  const datasource = { type: "prometheus", uid: PROMETHEUS_UID };
  if (panel.kind === "quantiles") {
    return QUANTILES.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource,
      expr: `histogram_quantile(${q}, sum by (le, ${by.join(", ")}) (rate(${panel.metric}_bucket${selector(panel)}[$__rate_interval])))`,
      legendFormat: `${legend(by)} p${Math.round(q * 100)}`,
    }));
  }
  const inner = `${panel.metric}${selector(panel)}`;
  return [
    {
      refId: "A",
      datasource,
      expr:
        panel.kind === "rates"
          ? `sum by (${by.join(", ")}) (rate(${inner}[$__rate_interval]))`
          : `sum by (${by.join(", ")}) (${inner})`,
      legendFormat: legend(by),
    },
  ];
}

/** Edge points: blob1 stage, blob2 target region, blob3 outcome, double1 milliseconds. */
function analyticsEngineTargets(panel: Panel) {
  const quantiles = QUANTILES.map(
    (q) =>
      `quantileExactWeighted(${q})(double1, _sample_interval) / 1000 AS p${Math.round(q * 100)}`,
  ).join(", ");
  const split = panel.by?.includes("target") ? "blob2 AS target, " : "";
  return [
    {
      refId: "A",
      datasource: { type: "vertamedia-clickhouse-datasource", uid: ANALYTICS_ENGINE_UID },
      format: "time_series",
      rawQuery: true,
      query: `SELECT $timeSeries AS t, ${split}${quantiles} FROM ${EDGE_DATASET} WHERE blob1 = '${panel.edgeStage}' AND $timeFilter GROUP BY t${split ? ", target" : ""} ORDER BY t`,
      dateTimeColDataType: "timestamp",
    },
  ];
}

export function grafanaDashboard() {
  return {
    uid: "edge-chat-latency",
    title: "edge-chat · latency by region and stage",
    tags: ["edge-chat"],
    timezone: "utc",
    refresh: "30s",
    time: { from: "now-1h", to: "now" },
    schemaVersion: 39,
    templating: {
      list: [
        {
          name: "region",
          label: "Region",
          type: "query",
          datasource: { type: "prometheus", uid: PROMETHEUS_UID },
          query: "label_values(region_ingested_events_total, region)",
          multi: true,
          includeAll: true,
          current: { text: "All", value: "$__all" },
          refresh: 2,
        },
      ],
    },
    panels: PANELS.map((panel, i) => ({
      id: i + 1,
      type: "timeseries",
      title: panel.title,
      description: panel.help,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: {
        defaults: {
          unit: panel.kind === "quantiles" ? "s" : panel.kind === "rates" ? "reqps" : "short",
          min: 0,
        },
        overrides: [],
      },
      targets: panel.edgeStage ? analyticsEngineTargets(panel) : prometheusTargets(panel),
    })),
  };
}

export const dashboardJson = () => `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;

if (import.meta.main) {
  writeFileSync(DASHBOARD_FILE, dashboardJson());
  console.log(`wrote ${DASHBOARD_FILE.pathname}`);
}
