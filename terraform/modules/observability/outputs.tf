output "remote_write_url" {
  description = "Where each region's metrics agent remote-writes (the workspace's remote_write endpoint)."
  value       = "${aws_prometheus_workspace.this.prometheus_endpoint}api/v1/remote_write"
}

output "workspace_arn" {
  description = "ARN of the Prometheus workspace (the regions' task roles may aps:RemoteWrite to it)."
  value       = aws_prometheus_workspace.this.arn
}

output "workspace_region" {
  description = "AWS region of the workspace (the agents sign their writes for it)."
  value       = data.aws_region.current.name
}

output "dashboard_url" {
  description = "The edge-chat dashboard in Grafana."
  value       = grafana_dashboard.latency.url
}
