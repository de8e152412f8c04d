# ---- identity and naming ----------------------------------------------------------------------

variable "region_id" {
  description = "edge-chat region id (geo-router catalog id, e.g. eu-west). Also region-core's REGION_ID and the Cassandra datacenter name of this region."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.region_id))
    error_message = "region_id must match ^[a-z][a-z0-9-]*$ (geo-router's catalog rule; also a valid Cassandra DC name) and be at most 16 characters (load balancer names are limited to 32)."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (clusters, roles, buckets, load balancers)."
  type        = string
  default     = "edge-chat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,9}$", var.name_prefix))
    error_message = "name_prefix must be 2-10 lowercase letters, digits or dashes, starting with a letter (load balancer names are limited to 32 characters)."
  }
}

variable "tags" {
  description = "Tags added to every resource of this region."
  type        = map(string)
  default     = {}
}

# ---- network ----------------------------------------------------------------------------------

variable "vpc_id" {
  description = "VPC this region runs in (created outside this module, e.g. by the organisation's network stack)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-…)."
  }
}

variable "private_subnet_ids" {
  description = "Exactly three private subnets, one per availability zone: region-core tasks, the MSK brokers and the Cassandra nodes spread over them (the Cassandra rack is the AZ)."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) == 3 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "private_subnet_ids must be exactly three subnet ids (one per AZ)."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets (at least two AZs) for the internet-facing load balancer the edge reaches the region through."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "public_subnet_ids must be at least two subnet ids."
  }
}

variable "edge_ingress_cidrs" {
  description = "CIDRs allowed to reach the region's HTTPS load balancer. The edge Worker calls from Cloudflare's network, so in production this is Cloudflare's published IP ranges; every /v1 request also needs a service token signed by the edge."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.edge_ingress_cidrs) > 0 && alltrue([for c in var.edge_ingress_cidrs : can(cidrhost(c, 0))])
    error_message = "edge_ingress_cidrs must be a non-empty list of IPv4 CIDRs."
  }
}

# ---- DNS --------------------------------------------------------------------------------------

variable "base_domain" {
  description = "Domain under which the region's hostnames are created: ingest.<region_id>.<base_domain> and history.<region_id>.<base_domain>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.base_domain))
    error_message = "base_domain must be a lowercase DNS name such as edge-chat.example."
  }
}

variable "route53_zone_id" {
  description = "Route 53 public hosted zone that holds base_domain (certificate validation and the two alias records)."
  type        = string

  validation {
    condition     = can(regex("^Z[0-9A-Z]+$", var.route53_zone_id))
    error_message = "route53_zone_id must be a Route 53 hosted zone id (Z…)."
  }
}

# ---- region-core (ECS Fargate) ----------------------------------------------------------------

variable "region_core_image" {
  description = "Container image of region-core (registry/repository:tag or @digest), built from this repository's region-core workspace."
  type        = string

  validation {
    condition     = can(regex("^\\S+[:@]\\S+$", var.region_core_image))
    error_message = "region_core_image must name a tag or digest (repository:tag or repository@sha256:…)."
  }
}

variable "region_core_cpu" {
  description = "Fargate CPU units per region-core task (1024 = 1 vCPU)."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.region_core_cpu)
    error_message = "region_core_cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "region_core_memory" {
  description = "Memory (MiB) per region-core task; must be a valid Fargate pairing with region_core_cpu."
  type        = number
  default     = 2048

  validation {
    condition     = var.region_core_memory >= 512 && var.region_core_memory <= 122880
    error_message = "region_core_memory must be between 512 and 122880 MiB."
  }
}

variable "region_core_cpu_architecture" {
  description = "CPU architecture of the Fargate tasks; region_core_image must be built for it (linux/arm64 or linux/amd64)."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.region_core_cpu_architecture)
    error_message = "region_core_cpu_architecture must be ARM64 or X86_64."
  }
}

variable "region_core_min_count" {
  description = "Minimum number of region-core tasks (also the initial desired count). At least 2 so one AZ failing keeps the region up."
  type        = number
  default     = 3

  validation {
    condition     = var.region_core_min_count >= 2 && floor(var.region_core_min_count) == var.region_core_min_count
    error_message = "region_core_min_count must be a whole number of at least 2."
  }
}

variable "region_core_max_count" {
  description = "Maximum number of region-core tasks the CPU target-tracking policy may scale out to; not below region_core_min_count (checked by a precondition)."
  type        = number
  default     = 12

  validation {
    condition     = var.region_core_max_count >= 2 && floor(var.region_core_max_count) == var.region_core_max_count
    error_message = "region_core_max_count must be a whole number of at least 2."
  }
}

variable "service_jwks" {
  description = "The edge's public key(s) for service tokens as JSON text (a JWK or a JWK Set): region-core's SERVICE_JWKS. The public half of the edge module's service_signing_key."
  type        = string

  validation {
    condition     = can(jsondecode(var.service_jwks).kty) || can(jsondecode(var.service_jwks).keys)
    error_message = "service_jwks must be a JWK or a JWK Set in JSON."
  }

  validation {
    condition     = !can(jsondecode(var.service_jwks).d) && alltrue([for k in try(jsondecode(var.service_jwks).keys, []) : !can(k.d)])
    error_message = "service_jwks must hold public keys only (a \"d\" member means a private key was pasted)."
  }
}

# ---- Kafka (MSK) ------------------------------------------------------------------------------

variable "kafka_version" {
  description = "Apache Kafka version of the MSK cluster."
  type        = string
  default     = "3.6.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+", var.kafka_version))
    error_message = "kafka_version must be an MSK Kafka version such as 3.6.0."
  }
}

variable "kafka_instance_type" {
  description = "MSK broker instance type (three brokers, one per AZ)."
  type        = string
  default     = "kafka.m7g.large"

  validation {
    condition     = startswith(var.kafka_instance_type, "kafka.")
    error_message = "kafka_instance_type must be an MSK broker type (kafka.…)."
  }
}

variable "kafka_volume_gb" {
  description = "EBS storage per Kafka broker, in GiB."
  type        = number
  default     = 500

  validation {
    condition     = var.kafka_volume_gb >= 1 && var.kafka_volume_gb <= 16384
    error_message = "kafka_volume_gb must be between 1 and 16384."
  }
}

variable "kafka_scram_secret_arn" {
  description = "Secrets Manager secret (JSON with `username` and `password`; MSK requires its name to start with AmazonMSK_ and a customer-managed KMS key) of the SASL/SCRAM user region-core signs in to MSK as."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[^:]+:[0-9]+:secret:AmazonMSK_", var.kafka_scram_secret_arn))
    error_message = "kafka_scram_secret_arn must be a Secrets Manager ARN whose secret name starts with AmazonMSK_."
  }
}

variable "kafka_partitions" {
  description = "Partitions of the events topic region-core creates (KAFKA_PARTITIONS); ordering holds per conversation key whatever the count."
  type        = number
  default     = 12

  validation {
    condition     = var.kafka_partitions >= 1 && var.kafka_partitions <= 1024
    error_message = "kafka_partitions must be between 1 and 1024 (region-core's accepted range)."
  }
}

# ---- Cassandra (EC2 autoscaling group = one datacenter) ----------------------------------------

variable "cassandra_ami_id" {
  description = "AMI with Apache Cassandra 5.0 installed as the `cassandra` systemd service (config in /etc/cassandra, Restart=on-failure) and the AWS CLI; built by the operator (e.g. with Packer). The user data only configures it."
  type        = string

  validation {
    condition     = can(regex("^ami-[0-9a-f]+$", var.cassandra_ami_id))
    error_message = "cassandra_ami_id must be an AMI id (ami-…)."
  }
}

variable "cassandra_instance_type" {
  description = "EC2 instance type of the Cassandra nodes."
  type        = string
  default     = "r6i.xlarge"
}

variable "cassandra_nodes" {
  description = "Cassandra nodes in this region's datacenter, spread evenly over the three AZs (racks). A multiple of 3 so each rack holds one replica of RF 3."
  type        = number
  default     = 3

  validation {
    condition     = var.cassandra_nodes >= 3 && var.cassandra_nodes % 3 == 0
    error_message = "cassandra_nodes must be a multiple of 3, at least 3."
  }
}

variable "cassandra_volume_gb" {
  description = "gp3 data volume per Cassandra node, in GiB (mounted at /var/lib/cassandra)."
  type        = number
  default     = 500

  validation {
    condition     = var.cassandra_volume_gb >= 50
    error_message = "cassandra_volume_gb must be at least 50."
  }
}

variable "cassandra_cluster_name" {
  description = "Cassandra cluster_name; identical in every region, since all datacenters form one cluster."
  type        = string
  default     = "edge-chat"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+$", var.cassandra_cluster_name))
    error_message = "cassandra_cluster_name may only hold letters, digits, '_' and '-'."
  }
}

variable "cassandra_keyspace" {
  description = "Keyspace region-core and its migration runner use (CASSANDRA_KEYSPACE)."
  type        = string
  default     = "edge_chat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,47}$", var.cassandra_keyspace))
    error_message = "cassandra_keyspace must be a lowercase CQL identifier."
  }
}

variable "cassandra_replication" {
  description = "Replication factor per datacenter (= region id) for NetworkTopologyStrategy, the same map in every region, e.g. { eu-west = 3, us-east = 3, ap-southeast = 3 }. Rendered into CASSANDRA_REPLICATION; must include region_id (checked by a precondition)."
  type        = map(number)

  validation {
    condition     = alltrue([for rf in values(var.cassandra_replication) : rf >= 1 && rf <= 5])
    error_message = "Each replication factor must be between 1 and 5."
  }
}

variable "cassandra_seed_aws_regions" {
  description = "AWS regions whose running Cassandra nodes (same cluster tag) are added as seeds at boot, so this datacenter joins the existing cluster. Empty for the first datacenter only."
  type        = list(string)
  default     = []
}

variable "cassandra_peer_cidrs" {
  description = "CIDRs of the other regions' VPCs (reachable over peering or a transit gateway, which this module does not create): allowed to the inter-node port 7000."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.cassandra_peer_cidrs : can(cidrhost(c, 0))])
    error_message = "cassandra_peer_cidrs must be IPv4 CIDRs."
  }
}

variable "cassandra_credentials_secret_arn" {
  description = "Optional Secrets Manager secret (JSON with `username` and `password`) for CASSANDRA_USERNAME / CASSANDRA_PASSWORD; null when the cluster has no authentication."
  type        = string
  default     = null

  validation {
    condition     = var.cassandra_credentials_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:", var.cassandra_credentials_secret_arn))
    error_message = "cassandra_credentials_secret_arn must be a Secrets Manager ARN or null."
  }
}

variable "cassandra_tls_ca_pem" {
  description = "PEM of the CA that signed the Cassandra nodes' client-facing certificates: region-core and the migration runner verify nodes against it (CASSANDRA_TLS_CA)."
  type        = string

  validation {
    condition     = startswith(trimspace(var.cassandra_tls_ca_pem), "-----BEGIN CERTIFICATE-----")
    error_message = "cassandra_tls_ca_pem must be PEM certificate text."
  }
}

variable "cassandra_tls_keystore_secret_arn" {
  description = "Secrets Manager secret (JSON with `keystore_base64`, a PKCS#12 keystore holding the node certificate and key signed by cassandra_tls_ca_pem's CA, and `password`) that every Cassandra node of this region installs for client-to-node TLS."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:", var.cassandra_tls_keystore_secret_arn))
    error_message = "cassandra_tls_keystore_secret_arn must be a Secrets Manager ARN."
  }
}

# ---- media bucket (S3) ------------------------------------------------------------------------

variable "media_cors_allowed_origins" {
  description = "Browser origins allowed to PUT/GET media with presigned URLs (CORS), e.g. [\"https://app.edge-chat.example\"]."
  type        = list(string)

  validation {
    condition     = length(var.media_cors_allowed_origins) > 0 && alltrue([for o in var.media_cors_allowed_origins : can(regex("^https://[^/]+$", o))])
    error_message = "media_cors_allowed_origins must be https origins without a path (no wildcard '*')."
  }
}

variable "media_abandoned_upload_days" {
  description = "Days after which incomplete multipart uploads are aborted and objects still tagged upload=pending (uploaded but never referenced by a message) expire."
  type        = number
  default     = 2

  validation {
    condition     = var.media_abandoned_upload_days >= 1 && var.media_abandoned_upload_days <= 30
    error_message = "media_abandoned_upload_days must be between 1 and 30."
  }
}

# ---- media CDN (CloudFront, cdn.tf) -----------------------------------------------------------

variable "media_cdn_public_key_pem" {
  description = "PEM public key whose private half signs CloudFront media URLs; null serves downloads as S3 presigned URLs without a CDN."
  type        = string
  default     = null
}

variable "media_cdn_private_key_secret_arn" {
  description = "Secrets Manager ARN of the PEM private key matching media_cdn_public_key_pem (given to region-core as MEDIA_CDN_PRIVATE_KEY)."
  type        = string
  default     = null
}

variable "media_cdn_price_class" {
  description = "CloudFront price class of the media distribution."
  type        = string
  default     = "PriceClass_All"
}
