output "api_url" {
  description = "Base URL clients use (HTTPS and WebSocket upgrades) for the edge Worker."
  value       = "https://${cloudflare_workers_domain.api.hostname}"
}

output "script_name" {
  description = "The Worker script the domain, routes and secrets are attached to."
  value       = var.script_name
}

output "regions_json" {
  description = "The REGIONS catalog JSON set on the Worker (geo-router's catalog format); not secret, output for review."
  value       = local.regions_json
}

output "route_ids" {
  description = "Ids of the extra zone routes, keyed by pattern."
  value       = { for pattern, route in cloudflare_workers_route.extra : pattern => route.id }
}

output "secret_names" {
  description = "Names of the Worker secrets this module manages (values are not output)."
  value = [
    cloudflare_workers_secret.regions.name,
    cloudflare_workers_secret.jwt_jwks_url.name,
    cloudflare_workers_secret.service_signing_key.name,
  ]
}
