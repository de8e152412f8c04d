terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40.0, < 6.0.0"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = ">= 4.40.0, < 5.0.0"
    }
    grafana = {
      source  = "grafana/grafana"
      version = ">= 3.0.0, < 4.0.0"
    }
  }

  # State in S3 with locking; bucket, key, region and lock table come from
  # `tofu init -backend-config=backend.hcl` so no account detail is committed.
  backend "s3" {}
}
