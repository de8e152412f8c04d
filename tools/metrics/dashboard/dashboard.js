// The local latency dashboard: one uPlot per stage, p50/p95/p99 per region over time, plus
// throughput, consumer lag and errors. It asks the collector's /api for series computed from the
// same Prometheus metrics production scrapes (and the edge's points). Refreshes every 5 s.
// Each panel's element carries data-points (non-null values drawn) for the browser test.
/* global uPlot */

const PANELS = [
  {
    title: "Ingest request",
    help: "POST /v1/ingest, from request to answer (after acks=all)",
    metric: "region_http_request_duration_seconds",
    where: { route: "ingest" },
  },
  {
    title: "History request",
    help: "GET /v1/history",
    metric: "region_http_request_duration_seconds",
    where: { route: "history" },
  },
  {
    title: "Kafka publish",
    help: "one batch until the log acknowledged it",
    metric: "region_kafka_publish_duration_seconds",
  },
  {
    title: "Persister batch",
    help: "one partition's batch: writes and offset commit",
    metric: "region_persister_batch_duration_seconds",
  },
  {
    title: "Cassandra write",
    help: "per repository write",
    metric: "region_storage_duration_seconds",
    where: { kind: "write" },
  },
  {
    title: "Cassandra read",
    help: "per repository read",
    metric: "region_storage_duration_seconds",
    where: { kind: "read" },
  },
  {
    title: "End to end",
    help: "edge ack (serverTs) until the row is stored in the region",
    metric: "region_end_to_end_seconds",
  },
  {
    title: "Edge → region call",
    help: "ingest POST from the edge's outbox, by target region",
    metric: "edge_region_call_seconds",
    by: "target",
  },
  {
    title: "Outbox age at flush",
    help: "oldest event of a batch when a region confirmed it",
    metric: "edge_outbox_age_seconds",
  },
  {
    title: "Inbox staleness",
    help: "pending inbox update age when its InboxDO took it",
    metric: "edge_inbox_staleness_seconds",
  },
  {
    kind: "rates",
    title: "Throughput",
    help: "events ingested per second",
    metric: "region_ingested_events_total",
    unit: "/s",
  },
  {
    kind: "gauges",
    title: "Consumer lag",
    help: "records behind, per partition",
    metric: "region_consumer_lag",
    by: "region,partition",
    unit: "",
  },
  {
    kind: "rates",
    title: "Errors",
    help: "error answers and dead letters per second, by code",
    metric: "region_errors_total",
    by: "region,code",
    unit: "/s",
  },
];
const COLORS = [
  "#2563eb",
  "#dc2626",
  "#059669",
  "#d97706",
  "#7c3aed",
  "#db2777",
  "#0891b2",
  "#65a30d",
];

const regionSelect = document.getElementById("region");
const rangeSelect = document.getElementById("range");
const status = document.getElementById("status");
const params = new URLSearchParams(location.search);
if (params.get("range")) rangeSelect.value = params.get("range");

const panels = PANELS.map((spec) => {
  const el = document.createElement("section");
  el.className = "panel";
  el.dataset.metric = spec.metric;
  el.innerHTML = `<h2></h2><p></p><div class="plot"></div>`;
  el.querySelector("h2").textContent = spec.title;
  el.querySelector("p").textContent = spec.help;
  document.getElementById("panels").append(el);
  return { spec, el, plot: null, shape: "" };
});

/** Joins series with different timestamps onto one x axis (uPlot wants aligned columns). */
function align(lines) {
  const xs = [...new Set(lines.flatMap((l) => l.t))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = lines.map((l) => {
    const col = new Array(xs.length).fill(null);
    l.t.forEach((t, i) => {
      col[index.get(t)] = l.v[i];
    });
    return col;
  });
  return [xs.map((x) => x / 1000), ...columns];
}

const labelText = (labels) => Object.values(labels).filter(Boolean).join(" · ") || "all";
const ms = (v) =>
  v == null ? "–" : v >= 1 ? `${v.toFixed(2)} s` : `${(v * 1000).toFixed(v < 0.01 ? 2 : 1)} ms`;

async function fetchPanel(spec) {
  const q = new URLSearchParams({
    metric: spec.metric,
    by: spec.by ?? "region",
    range: rangeSelect.value,
  });
  for (const [k, v] of Object.entries(spec.where ?? {})) q.set(`where.${k}`, v);
  if (regionSelect.value) q.set("where.region", regionSelect.value);
  const res = await fetch(`/api/${spec.kind ?? "quantiles"}?${q}`);
  const { series } = await res.json();
  if (spec.kind) return series.map((s) => ({ name: labelText(s.labels), t: s.t, v: s.v }));
  return series.flatMap((s) =>
    ["p50", "p95", "p99"].map((p) => ({ name: `${labelText(s.labels)} ${p}`, t: s.t, v: s[p] })),
  );
}

function render(panel, lines) {
  const box = panel.el.querySelector(".plot");
  const drawn = lines.reduce((n, l) => n + l.v.filter((v) => v != null).length, 0);
  panel.el.dataset.points = String(drawn);
  if (lines.length === 0) {
    panel.plot?.destroy();
    panel.plot = null;
    box.innerHTML = `<div class="empty">no data yet in this range</div>`;
    return;
  }
  const data = align(lines);
  const shape = lines.map((l) => l.name).join("|");
  const width = Math.max(280, box.clientWidth || panel.el.clientWidth - 24);
  if (panel.plot && panel.shape === shape) {
    panel.plot.setData(data);
    return;
  }
  panel.plot?.destroy();
  box.innerHTML = "";
  const unit = panel.spec.kind ? panel.spec.unit : null;
  panel.shape = shape;
  panel.plot = new uPlot(
    {
      width,
      height: 220,
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.name,
          stroke: COLORS[Math.floor(i / (panel.spec.kind ? 1 : 3)) % COLORS.length],
          width: panel.spec.kind || l.name.endsWith("p99") ? 2 : 1.25,
          dash: !panel.spec.kind && l.name.endsWith("p50") ? [4, 4] : undefined,
          spanGaps: true,
          points: { show: true, size: 4 },
          value: (_u, v) => (unit === null ? ms(v) : v == null ? "–" : `${v.toFixed(2)}${unit}`),
        })),
      ],
      axes: [
        {},
        {
          values: (_u, ticks) => ticks.map((v) => (unit === null ? ms(v) : `${v}${unit}`)),
          size: 70,
        },
      ],
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    },
    data,
    box,
  );
}

async function refresh() {
  try {
    const { regions } = await (await fetch("/api/regions")).json();
    for (const region of regions) {
      if (![...regionSelect.options].some((o) => o.value === region))
        regionSelect.add(new Option(region, region));
    }
    const results = await Promise.all(panels.map((p) => fetchPanel(p.spec)));
    for (const [i, panel] of panels.entries()) render(panel, results[i]);
    status.textContent = `updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.ready = "true";
  } catch (error) {
    status.textContent = `cannot reach the collector (${error})`;
  }
}

regionSelect.addEventListener("change", refresh);
rangeSelect.addEventListener("change", refresh);
refresh();
setInterval(refresh, 5000);
