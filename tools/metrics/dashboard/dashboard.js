// The local latency dashboard: one uPlot per stage, p50/p95/p99 per region over time, plus
// throughput, consumer lag and errors. It asks the collector's /api for series computed from the
// same Prometheus metrics production scrapes (and the edge's points). Refreshes every 5 s.
// Each panel's element carries data-points (non-null values drawn) for the browser test.
/* global uPlot */

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

let panels = [];

/** Builds one panel element per spec (the list comes from the collector: tools/metrics/panels.ts). */
function createPanels(specs) {
  panels = specs.map((spec) => {
    const el = document.createElement("section");
    el.className = "panel";
    el.dataset.metric = spec.metric;
    el.innerHTML = `<h2></h2><p></p><div class="plot"></div>`;
    el.querySelector("h2").textContent = spec.title;
    el.querySelector("p").textContent = spec.help;
    document.getElementById("panels").append(el);
    return { spec, el, plot: null, shape: "" };
  });
}

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
  const res = await fetch(`/api/${spec.kind}?${q}`);
  const { series } = await res.json();
  if (spec.kind !== "quantiles")
    return series.map((s) => ({ name: labelText(s.labels), t: s.t, v: s.v }));
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
  const unit = panel.spec.kind !== "quantiles" ? panel.spec.unit : null;
  panel.shape = shape;
  panel.plot = new uPlot(
    {
      width,
      height: 220,
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.name,
          stroke: COLORS[Math.floor(i / (panel.spec.kind !== "quantiles" ? 1 : 3)) % COLORS.length],
          width: panel.spec.kind !== "quantiles" || l.name.endsWith("p99") ? 2 : 1.25,
          dash: panel.spec.kind === "quantiles" && l.name.endsWith("p50") ? [4, 4] : undefined,
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
    if (panels.length === 0) createPanels((await (await fetch("/api/panels")).json()).panels);
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
