# One edge-chat region on AWS: region-core on ECS Fargate behind an HTTPS load balancer, an MSK
# (Kafka) cluster, one Cassandra datacenter (an EC2 autoscaling group over three AZs, DC name =
# region id) and a private S3 bucket for media uploaded with presigned URLs. The VPC and the
# cross-region network between the Cassandra datacenters are inputs, not created here.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  name = "${var.name_prefix}-${var.region_id}"

  ingest_host  = "ingest.${var.region_id}.${var.base_domain}"
  history_host = "history.${var.region_id}.${var.base_domain}"

  # region-core's HTTP port (its PORT default); the load balancer terminates TLS in front of it.
  service_port = 8788

  # "eu-west:3,us-east:3,…" in a stable order: @edge-chat/cql's CASSANDRA_REPLICATION format.
  cassandra_replication = join(",", [for dc in sort(keys(var.cassandra_replication)) : "${dc}:${var.cassandra_replication[dc]}"])

  tags = merge(var.tags, {
    "edge-chat:region" = var.region_id
  })
}
