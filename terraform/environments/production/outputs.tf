output "api_url" {
  description = "Public base URL of the edge."
  value       = module.edge.api_url
}

output "regions_json" {
  description = "The REGIONS catalog set on the Worker."
  value       = module.edge.regions_json
}

output "regions" {
  description = "Per region: ingest and history URLs, media bucket, Kafka brokers and Cassandra contact point."
  value = {
    for id, m in local.region_modules : id => {
      ingest_url              = m.ingest_url
      history_url             = m.history_url
      media_bucket            = m.media_bucket
      kafka_bootstrap_brokers = m.kafka_bootstrap_brokers
      cassandra_contact_point = m.cassandra_contact_point
    }
  }
}
