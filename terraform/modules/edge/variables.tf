variable "account_id" {
  description = "Cloudflare account id that owns the Worker."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be a 32-character hex Cloudflare account id."
  }
}

variable "zone_id" {
  description = "Cloudflare zone id of the zone that holds api_hostname (and every route pattern)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.zone_id))
    error_message = "zone_id must be a 32-character hex Cloudflare zone id."
  }
}

variable "script_name" {
  description = "Name of the deployed Worker script. `wrangler deploy --env production` with name = \"edge-chat\" in wrangler.toml deploys \"edge-chat-production\"."
  type        = string
  default     = "edge-chat-production"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.script_name))
    error_message = "script_name must be a Worker name: lowercase letters, digits and dashes, at most 63 characters."
  }
}

variable "api_hostname" {
  description = "Hostname the Worker serves as a Custom Domain (all paths; Cloudflare creates the DNS record and the certificate), e.g. api.edge-chat.example."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.api_hostname))
    error_message = "api_hostname must be a lowercase DNS name."
  }
}

variable "extra_route_patterns" {
  description = "Additional zone route patterns on existing proxied hostnames that should also run the Worker, e.g. [\"www.edge-chat.example/v1/*\"]. Empty for none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.extra_route_patterns : can(regex("^[^/\\s]+/\\S*$", p))])
    error_message = "Each route pattern must look like host/path, e.g. example.com/v1/*."
  }
}

variable "regions" {
  description = "The region catalog in preference order, one entry per region module (ids, names and coordinates as in geo-router/catalogs/production.example.json; URLs from each region module's ingest_url / history_url outputs). Rendered into the Worker's REGIONS as geo-router's catalog JSON."
  type = list(object({
    id          = string
    name        = string
    location    = object({ lat = number, lon = number })
    ingest_url  = string
    history_url = string
  }))

  validation {
    condition     = length(var.regions) > 0
    error_message = "regions must hold at least one region (an empty catalog would leave the region outbox only accumulating)."
  }

  validation {
    condition     = alltrue([for r in var.regions : can(regex("^[a-z][a-z0-9-]*$", r.id))])
    error_message = "Every region id must match ^[a-z][a-z0-9-]*$ (geo-router's catalog rule)."
  }

  validation {
    condition     = length(distinct([for r in var.regions : r.id])) == length(var.regions)
    error_message = "Region ids must be unique."
  }

  validation {
    condition = alltrue([
      for r in var.regions : abs(r.location.lat) <= 90 && abs(r.location.lon) <= 180
    ])
    error_message = "Every region location needs lat in [-90, 90] and lon in [-180, 180]."
  }

  validation {
    condition = alltrue([
      for r in var.regions : can(regex("^https?://", r.ingest_url)) && can(regex("^https?://", r.history_url))
    ])
    error_message = "ingest_url and history_url must be http(s) base URLs."
  }
}

variable "jwt_jwks_url" {
  description = "URL of the identity provider's JWKS that verifies client JWTs (the Worker's JWT_JWKS_URL)."
  type        = string

  validation {
    condition     = can(regex("^https://", var.jwt_jwks_url))
    error_message = "jwt_jwks_url must be an https URL."
  }
}

variable "service_signing_key" {
  description = "Ed25519 private JWK (JSON text) the Worker signs service tokens to the regions with (SERVICE_SIGNING_KEY). Its public half goes to every region as SERVICE_JWKS. Pass it via TF_VAR_service_signing_key, never a committed file."
  type        = string
  sensitive   = true

  validation {
    condition     = can(jsondecode(var.service_signing_key).d) && try(jsondecode(var.service_signing_key).kty, "") == "OKP"
    error_message = "service_signing_key must be a private OKP (Ed25519) JWK in JSON, with a \"d\" member."
  }
}
