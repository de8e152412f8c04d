variable "name" {
  description = "Name prefix of the Prometheus workspace and the Grafana folder."
  type        = string
  default     = "edge-chat"
}

variable "cloudflare_account_id" {
  description = "Cloudflare account whose Workers Analytics Engine holds the edge's latency points (dataset edge_chat_latency)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.cloudflare_account_id))
    error_message = "cloudflare_account_id must be the 32-hex-digit account id."
  }
}

variable "analytics_engine_api_token" {
  description = "Cloudflare API token with Account Analytics: Read, for Grafana's queries of the Analytics Engine SQL API."
  type        = string
  sensitive   = true
}
