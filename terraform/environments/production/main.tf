# Production: the edge once, and one region per entry of the catalog below, whose ids, names and
# coordinates are those of geo-router/catalogs/production.example.json (terraform/test/catalog.test.ts
# keeps them equal). Each region's ingest/history URLs feed the edge's REGIONS catalog.
#
# Why three module blocks rather than `module "region" { for_each = local.regions }`: a module
# instance's provider must be chosen statically, so Terraform (and OpenTofu before 1.9) cannot hand
# each for_each instance the AWS provider of its own region. The blocks below are therefore spelled
# out once per region, every argument comes from the one map, and a precondition fails the plan if
# the map and the blocks ever disagree.

locals {
  # Preference order matters: geo-router breaks exact score ties by catalog order.
  catalog = [
    {
      id         = "eu-west"
      name       = "EU West (Frankfurt)"
      location   = { lat = 50.1109, lon = 8.6821 }
      aws_region = "eu-central-1"
    },
    {
      id         = "us-east"
      name       = "US East (Virginia)"
      location   = { lat = 39.0438, lon = -77.4874 }
      aws_region = "us-east-1"
    },
    {
      id         = "ap-southeast"
      name       = "Asia Pacific (Singapore)"
      location   = { lat = 1.3521, lon = 103.8198 }
      aws_region = "ap-southeast-1"
    },
  ]

  regions    = { for r in local.catalog : r.id => r }
  region_ids = [for r in local.catalog : r.id]

  default_tags = {
    "edge-chat:environment" = "production"
    "edge-chat:managed-by"  = "opentofu"
  }

  # Settings every region shares.
  cassandra_replication = { for id in local.region_ids : id => 3 }

  # A new datacenter joins the cluster through the seeds of the datacenters before it in the
  # catalog; the first one starts the cluster (apply in catalog order, see the README).
  cassandra_seed_aws_regions = {
    for i, r in local.catalog : r.id => [for earlier in slice(local.catalog, 0, i) : earlier.aws_region]
  }

  # Inter-node traffic from every other region's VPC.
  cassandra_peer_cidrs = {
    for id in local.region_ids : id => [for other in local.region_ids : var.networks[other].vpc_cidr if other != id]
  }

  # Every region module, by catalog id: what the edge's catalog is built from.
  region_modules = {
    "eu-west"      = module.region_eu_west
    "us-east"      = module.region_us_east
    "ap-southeast" = module.region_ap_southeast
  }
}

resource "terraform_data" "catalog_guard" {
  input = local.region_ids

  lifecycle {
    precondition {
      condition     = toset(keys(local.region_modules)) == toset(local.region_ids)
      error_message = "Every catalog region needs exactly one region module block (and provider alias) in main.tf."
    }

    precondition {
      condition     = toset(keys(var.networks)) == toset(local.region_ids)
      error_message = "var.networks must have exactly one entry per catalog region."
    }

    precondition {
      condition     = toset(keys(var.region_secrets)) == toset(local.region_ids)
      error_message = "var.region_secrets must have exactly one entry per catalog region."
    }
  }
}

module "region_eu_west" {
  source    = "../../modules/region"
  providers = { aws = aws.eu_west }

  region_id                  = "eu-west"
  vpc_id                     = var.networks["eu-west"].vpc_id
  private_subnet_ids         = var.networks["eu-west"].private_subnet_ids
  public_subnet_ids          = var.networks["eu-west"].public_subnet_ids
  cassandra_ami_id           = var.networks["eu-west"].cassandra_ami_id
  cassandra_seed_aws_regions = local.cassandra_seed_aws_regions["eu-west"]
  cassandra_peer_cidrs       = local.cassandra_peer_cidrs["eu-west"]
  cassandra_replication      = local.cassandra_replication
  base_domain                = var.base_domain
  route53_zone_id            = var.route53_zone_id
  edge_ingress_cidrs         = var.edge_ingress_cidrs
  region_core_image          = var.region_core_image
  service_jwks               = var.service_jwks
  media_cors_allowed_origins = var.media_cors_allowed_origins
  metrics_remote_write_url   = module.observability.remote_write_url
  metrics_workspace_arn      = module.observability.workspace_arn
  metrics_workspace_region   = module.observability.workspace_region
  metrics_agent_image        = var.metrics_agent_image

  # Client security (kafka.tf, cassandra.tf): SASL/SCRAM + TLS to MSK, TLS to Cassandra.
  kafka_scram_secret_arn            = var.region_secrets["eu-west"].kafka_scram_secret_arn
  cassandra_tls_ca_pem              = var.cassandra_tls_ca_pem
  cassandra_tls_keystore_secret_arn = var.region_secrets["eu-west"].cassandra_tls_keystore_secret_arn
}

module "region_us_east" {
  source    = "../../modules/region"
  providers = { aws = aws.us_east }

  region_id                  = "us-east"
  vpc_id                     = var.networks["us-east"].vpc_id
  private_subnet_ids         = var.networks["us-east"].private_subnet_ids
  public_subnet_ids          = var.networks["us-east"].public_subnet_ids
  cassandra_ami_id           = var.networks["us-east"].cassandra_ami_id
  cassandra_seed_aws_regions = local.cassandra_seed_aws_regions["us-east"]
  cassandra_peer_cidrs       = local.cassandra_peer_cidrs["us-east"]
  cassandra_replication      = local.cassandra_replication
  base_domain                = var.base_domain
  route53_zone_id            = var.route53_zone_id
  edge_ingress_cidrs         = var.edge_ingress_cidrs
  region_core_image          = var.region_core_image
  service_jwks               = var.service_jwks
  media_cors_allowed_origins = var.media_cors_allowed_origins
  metrics_remote_write_url   = module.observability.remote_write_url
  metrics_workspace_arn      = module.observability.workspace_arn
  metrics_workspace_region   = module.observability.workspace_region
  metrics_agent_image        = var.metrics_agent_image

  # Client security (kafka.tf, cassandra.tf): SASL/SCRAM + TLS to MSK, TLS to Cassandra.
  kafka_scram_secret_arn            = var.region_secrets["us-east"].kafka_scram_secret_arn
  cassandra_tls_ca_pem              = var.cassandra_tls_ca_pem
  cassandra_tls_keystore_secret_arn = var.region_secrets["us-east"].cassandra_tls_keystore_secret_arn
}

module "region_ap_southeast" {
  source    = "../../modules/region"
  providers = { aws = aws.ap_southeast }

  region_id                  = "ap-southeast"
  vpc_id                     = var.networks["ap-southeast"].vpc_id
  private_subnet_ids         = var.networks["ap-southeast"].private_subnet_ids
  public_subnet_ids          = var.networks["ap-southeast"].public_subnet_ids
  cassandra_ami_id           = var.networks["ap-southeast"].cassandra_ami_id
  cassandra_seed_aws_regions = local.cassandra_seed_aws_regions["ap-southeast"]
  cassandra_peer_cidrs       = local.cassandra_peer_cidrs["ap-southeast"]
  cassandra_replication      = local.cassandra_replication
  base_domain                = var.base_domain
  route53_zone_id            = var.route53_zone_id
  edge_ingress_cidrs         = var.edge_ingress_cidrs
  region_core_image          = var.region_core_image
  service_jwks               = var.service_jwks
  media_cors_allowed_origins = var.media_cors_allowed_origins
  metrics_remote_write_url   = module.observability.remote_write_url
  metrics_workspace_arn      = module.observability.workspace_arn
  metrics_workspace_region   = module.observability.workspace_region
  metrics_agent_image        = var.metrics_agent_image

  # Client security (kafka.tf, cassandra.tf): SASL/SCRAM + TLS to MSK, TLS to Cassandra.
  kafka_scram_secret_arn            = var.region_secrets["ap-southeast"].kafka_scram_secret_arn
  cassandra_tls_ca_pem              = var.cassandra_tls_ca_pem
  cassandra_tls_keystore_secret_arn = var.region_secrets["ap-southeast"].cassandra_tls_keystore_secret_arn
}

# Metrics of every region in one Prometheus workspace (in the first catalog region), the edge's
# Analytics Engine dataset beside it, and the Grafana dashboard over both.
module "observability" {
  source    = "../../modules/observability"
  providers = { aws = aws.eu_west }

  cloudflare_account_id      = var.cloudflare_account_id
  analytics_engine_api_token = var.analytics_engine_api_token
}

module "edge" {
  source = "../../modules/edge"

  account_id   = var.cloudflare_account_id
  zone_id      = var.cloudflare_zone_id
  api_hostname = var.api_hostname

  # The catalog, in catalog order, with each region's URLs from its module's outputs.
  regions = [
    for r in local.catalog : {
      id          = r.id
      name        = r.name
      location    = r.location
      ingest_url  = local.region_modules[r.id].ingest_url
      history_url = local.region_modules[r.id].history_url
    }
  ]

  jwt_jwks_url        = var.jwt_jwks_url
  service_signing_key = var.service_signing_key

  depends_on = [terraform_data.catalog_guard]
}
