output "region_id" {
  description = "The region id (geo-router catalog id and Cassandra datacenter name)."
  value       = var.region_id
}

output "ingest_url" {
  description = "Base URL of the region's ingest API (the catalog's ingestUrl; the edge POSTs to <ingest_url>/v1/ingest)."
  # Through the validated records, so the URL is only handed to the edge once it serves HTTPS.
  value = "https://${aws_route53_record.hosts[local.ingest_host].fqdn}"
}

output "history_url" {
  description = "Base URL of the region's history API (the catalog's historyUrl; the edge GETs <history_url>/v1/history/:id)."
  value       = "https://${aws_route53_record.hosts[local.history_host].fqdn}"
}

output "media_bucket" {
  description = "Name of the private media bucket (presigned uploads and downloads)."
  value       = aws_s3_bucket.media.bucket
}

output "kafka_bootstrap_brokers" {
  description = "MSK bootstrap brokers (SASL/SCRAM over TLS, VPC-internal) as given to region-core in KAFKA_BROKERS."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
}

output "cassandra_contact_point" {
  description = "CQL contact point (internal NLB) as given to region-core in CASSANDRA_CONTACT_POINTS."
  value       = "${aws_lb.cassandra.dns_name}:9042"
}

output "cassandra_datacenter" {
  description = "Name of this region's Cassandra datacenter (= region_id)."
  value       = var.region_id
}

output "cassandra_security_group_id" {
  description = "Security group of the Cassandra nodes (for cross-region peering rules)."
  value       = aws_security_group.cassandra.id
}

output "ecs_cluster_name" {
  description = "ECS cluster running region-core."
  value       = aws_ecs_cluster.this.name
}

output "ecs_service_name" {
  description = "ECS service of region-core."
  value       = aws_ecs_service.region_core.name
}
