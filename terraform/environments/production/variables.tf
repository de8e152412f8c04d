variable "networks" {
  description = "Per catalog region: the VPC it runs in (with its CIDR, for cross-region Cassandra rules), three private subnets (one per AZ), the public subnets of its load balancer, and the Cassandra AMI built for that AWS region."
  type = map(object({
    vpc_id             = string
    vpc_cidr           = string
    private_subnet_ids = list(string)
    public_subnet_ids  = list(string)
    cassandra_ami_id   = string
  }))

  validation {
    condition     = alltrue([for n in values(var.networks) : can(cidrhost(n.vpc_cidr, 0))])
    error_message = "Every networks entry needs vpc_cidr as an IPv4 CIDR."
  }
}

variable "base_domain" {
  description = "DNS domain of the regional hostnames (ingest.<region>.<base_domain>, history.<region>.<base_domain>)."
  type        = string
}

variable "route53_zone_id" {
  description = "Route 53 public hosted zone of base_domain."
  type        = string
}

variable "edge_ingress_cidrs" {
  description = "CIDRs allowed to reach the regional load balancers: Cloudflare's published IPv4 ranges in production."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "region_core_image" {
  description = "region-core container image (repository:tag or @digest) deployed in every region."
  type        = string
}

variable "service_jwks" {
  description = "Public JWK (JSON) of the edge's service signing key, given to every region as SERVICE_JWKS."
  type        = string
}

variable "media_cors_allowed_origins" {
  description = "Browser origins allowed to use presigned media URLs (CORS on every region's bucket)."
  type        = list(string)
}

variable "cloudflare_account_id" {
  description = "Cloudflare account id that owns the edge Worker."
  type        = string
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone id of the API hostname's zone."
  type        = string
}

variable "api_hostname" {
  description = "Hostname of the public API served by the edge Worker, e.g. api.edge-chat.example."
  type        = string
}

variable "jwt_jwks_url" {
  description = "JWKS URL of the identity provider that issues client JWTs (the Worker's JWT_JWKS_URL)."
  type        = string
}

variable "service_signing_key" {
  description = "Ed25519 private JWK (JSON) the edge signs service tokens with (the Worker's SERVICE_SIGNING_KEY). Set TF_VAR_service_signing_key from the secret store; never commit it."
  type        = string
  sensitive   = true
}

variable "analytics_engine_api_token" {
  description = "Cloudflare API token with Account Analytics: Read, for Grafana's edge panels (Analytics Engine SQL API)."
  type        = string
  sensitive   = true
}

variable "metrics_agent_image" {
  description = "Container image of the AWS Distro for OpenTelemetry collector that scrapes each region's /metrics (pin a version)."
  type        = string
}

variable "region_secrets" {
  description = "Per catalog region: the Secrets Manager ARNs of region-core's MSK SASL/SCRAM user (name starting AmazonMSK_) and of the Cassandra nodes' client TLS keystore (see the region module's variables)."
  type = map(object({
    kafka_scram_secret_arn            = string
    cassandra_tls_keystore_secret_arn = string
  }))
}

variable "cassandra_tls_ca_pem" {
  description = "PEM of the CA that signed every Cassandra node's client-facing certificate (one cluster, one CA)."
  type        = string
}
