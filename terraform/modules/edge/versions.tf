# The Cloudflare provider is pinned to the 4.x line on purpose: 4.x has `cloudflare_workers_secret`,
# which sets one secret on a Worker that wrangler deploys. 5.x removed it (secrets exist there only as
# bindings of `cloudflare_workers_script`, i.e. Terraform would have to own the script upload, which
# is wrangler's job here). The plural resource names below exist from 4.40 on.
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = ">= 4.40.0, < 5.0.0"
    }
  }
}
