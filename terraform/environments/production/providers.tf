# One AWS provider per AWS region of the catalog (see local.catalog). Credentials come from the
# environment (AWS_PROFILE / role), never from this file.

provider "aws" {
  alias  = "eu_west"
  region = local.regions["eu-west"].aws_region

  default_tags {
    tags = local.default_tags
  }
}

provider "aws" {
  alias  = "us_east"
  region = local.regions["us-east"].aws_region

  default_tags {
    tags = local.default_tags
  }
}

provider "aws" {
  alias  = "ap_southeast"
  region = local.regions["ap-southeast"].aws_region

  default_tags {
    tags = local.default_tags
  }
}

# Reads CLOUDFLARE_API_TOKEN from the environment (Workers Scripts: Edit, Workers Routes: Edit,
# DNS: Edit on the zone).
provider "cloudflare" {}

# Reads GRAFANA_URL and GRAFANA_AUTH from the environment (a service account token with
# dashboard and data source write access).
provider "grafana" {}
