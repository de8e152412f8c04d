# Production observability: one Amazon Managed Prometheus workspace that every region's metrics agent
# remote-writes to (the series carry their `region` label from region-core itself), and Grafana with
# two data sources (that workspace; the edge's Workers Analytics Engine dataset through its SQL API)
# and the edge-chat dashboard. The dashboard JSON is generated from the same panel list as the local
# /dashboard (tools/metrics/panels.ts → `npm run -w tools/metrics grafana`); a test keeps it in sync.

resource "aws_prometheus_workspace" "this" {
  alias = var.name
}

data "aws_region" "current" {}

resource "grafana_data_source" "prometheus" {
  # The dashboard JSON names its data sources by these uids.
  uid  = "edge-chat-prometheus"
  name = "${var.name} regions (Prometheus)"
  type = "prometheus"
  url  = aws_prometheus_workspace.this.prometheus_endpoint

  json_data_encoded = jsonencode({
    httpMethod    = "POST"
    sigV4Auth     = true
    sigV4AuthType = "default"
    sigV4Region   = data.aws_region.current.name
  })
}

resource "grafana_data_source" "analytics_engine" {
  uid  = "edge-chat-analytics-engine"
  name = "${var.name} edge (Workers Analytics Engine)"
  # Analytics Engine answers ClickHouse-flavoured SQL over HTTP, which this plugin speaks.
  type = "vertamedia-clickhouse-datasource"
  url  = "https://api.cloudflare.com/client/v4/accounts/${var.cloudflare_account_id}/analytics_engine/sql"

  json_data_encoded = jsonencode({ addCorsHeader = false, usePOST = true })
  http_headers      = { Authorization = "Bearer ${var.analytics_engine_api_token}" }
}

resource "grafana_folder" "this" {
  title = var.name
}

resource "grafana_dashboard" "latency" {
  folder      = grafana_folder.this.uid
  config_json = file("${path.module}/dashboards/edge-chat.json")
  overwrite   = true

  depends_on = [grafana_data_source.prometheus, grafana_data_source.analytics_engine]
}
