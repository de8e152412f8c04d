# The Cloudflare side of edge-chat that wrangler does not own. `wrangler deploy --env production`
# uploads the Worker script, its Durable Object bindings and migrations, and the plain vars of
# wrangler.toml; this module adds, on top of that deployed script:
#   - the API hostname as a Workers Custom Domain (and optional zone routes),
#   - the values that differ per deployment or are secret: REGIONS (generated from the region
#     modules' outputs), JWT_JWKS_URL and SERVICE_SIGNING_KEY.
# The three values are set as Worker secrets: at runtime a secret is the same env string as a var,
# and secrets survive `wrangler deploy` (vars are replaced by wrangler.toml's on every deploy), so a
# catalog change is one `tofu apply` without a redeploy. wrangler.toml's [env.production.vars] must
# therefore not define REGIONS or JWT_JWKS_URL (a var and a secret cannot share a name).

locals {
  # geo-router's catalog shape (parseRegionCatalog rejects unknown keys): id, name, location,
  # ingestUrl, historyUrl. Order is preference order for ties; jsonencode sorts keys within objects.
  regions_json = jsonencode([
    for r in var.regions : {
      id         = r.id
      name       = r.name
      location   = { lat = r.location.lat, lon = r.location.lon }
      ingestUrl  = r.ingest_url
      historyUrl = r.history_url
    }
  ])
}

resource "cloudflare_workers_domain" "api" {
  account_id = var.account_id
  zone_id    = var.zone_id
  hostname   = var.api_hostname
  service    = var.script_name

  # Traffic only reaches the Worker once its configuration is complete (the production config
  # refuses requests without JWT_JWKS_URL / REGIONS / SERVICE_SIGNING_KEY).
  depends_on = [
    cloudflare_workers_secret.regions,
    cloudflare_workers_secret.jwt_jwks_url,
    cloudflare_workers_secret.service_signing_key,
  ]
}

resource "cloudflare_workers_route" "extra" {
  for_each = toset(var.extra_route_patterns)

  zone_id     = var.zone_id
  pattern     = each.value
  script_name = var.script_name

  depends_on = [
    cloudflare_workers_secret.regions,
    cloudflare_workers_secret.jwt_jwks_url,
    cloudflare_workers_secret.service_signing_key,
  ]
}

resource "cloudflare_workers_secret" "regions" {
  account_id  = var.account_id
  script_name = var.script_name
  name        = "REGIONS"
  secret_text = local.regions_json
}

resource "cloudflare_workers_secret" "jwt_jwks_url" {
  account_id  = var.account_id
  script_name = var.script_name
  name        = "JWT_JWKS_URL"
  secret_text = var.jwt_jwks_url
}

resource "cloudflare_workers_secret" "service_signing_key" {
  account_id  = var.account_id
  script_name = var.script_name
  name        = "SERVICE_SIGNING_KEY"
  secret_text = var.service_signing_key
}
