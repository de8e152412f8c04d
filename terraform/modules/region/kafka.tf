# MSK: three brokers, one per AZ. Replication 3 with min.insync.replicas 2 is what makes region-core's
# acks=all mean "on two brokers in two AZs" before the edge's outbox lets a batch go.
#
# region-core's Kafka client has no TLS/SASL settings yet (only KAFKA_BROKERS), so clients connect
# in plaintext on 9092, reachable only from region-core's security group; TLS (9094) is enabled
# alongside so switching is a client-side change. Broker-to-broker traffic is encrypted.

resource "aws_msk_configuration" "this" {
  name           = "${local.name}-kafka"
  kafka_versions = [var.kafka_version]

  server_properties = <<-PROPERTIES
    default.replication.factor=3
    min.insync.replicas=2
    unclean.leader.election.enable=false
    auto.create.topics.enable=false
    num.partitions=${var.kafka_partitions}
  PROPERTIES

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "kafka" {
  name              = "/edge-chat/${var.region_id}/msk"
  retention_in_days = 14
  tags              = local.tags
}

resource "aws_msk_cluster" "this" {
  cluster_name           = "${local.name}-kafka"
  kafka_version          = var.kafka_version
  number_of_broker_nodes = 3

  broker_node_group_info {
    instance_type   = var.kafka_instance_type
    client_subnets  = var.private_subnet_ids
    security_groups = [aws_security_group.kafka.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.kafka_volume_gb
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  client_authentication {
    unauthenticated = true
  }

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS_PLAINTEXT"
      in_cluster    = true
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.kafka.name
      }
    }
  }

  tags = local.tags
}
