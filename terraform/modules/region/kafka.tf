# MSK: three brokers, one per AZ. Replication 3 with min.insync.replicas 2 is what makes
# region-core's acks=all mean "on two brokers in two AZs" before the edge's region outbox lets a
# batch go.
#
# Clients connect over TLS and authenticate with SASL/SCRAM-SHA-512 (port 9096): region-core's
# KAFKA_TLS, KAFKA_SASL_MECHANISM and the credentials from var.kafka_scram_secret_arn (service.tf).
# No unauthenticated or plaintext listener; broker-to-broker traffic is encrypted too.

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
    unauthenticated = false

    sasl {
      scram = true
    }
  }

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
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

# The SCRAM user region-core signs in as (MSK requires the secret's name to start with AmazonMSK_
# and a customer-managed KMS key on it).
resource "aws_msk_scram_secret_association" "region_core" {
  cluster_arn     = aws_msk_cluster.this.arn
  secret_arn_list = [var.kafka_scram_secret_arn]
}
