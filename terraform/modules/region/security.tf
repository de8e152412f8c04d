# Who may talk to whom: internet (edge) → ALB:443 → region-core:8788 → MSK:9092 and Cassandra:9042;
# Cassandra nodes gossip with each other (and other regions' nodes) on 7000.

resource "aws_security_group" "alb" {
  name_prefix = "${local.name}-alb-"
  description = "edge-chat ${var.region_id}: HTTPS from the edge"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(var.edge_ingress_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from the edge"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_service" {
  security_group_id            = aws_security_group.alb.id
  description                  = "to region-core"
  ip_protocol                  = "tcp"
  from_port                    = local.service_port
  to_port                      = local.service_port
  referenced_security_group_id = aws_security_group.service.id
}

resource "aws_security_group" "service" {
  name_prefix = "${local.name}-core-"
  description = "edge-chat ${var.region_id}: region-core tasks"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "service_from_alb" {
  security_group_id            = aws_security_group.service.id
  description                  = "HTTP from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = local.service_port
  to_port                      = local.service_port
  referenced_security_group_id = aws_security_group.alb.id
}

# Egress is open: the tasks reach MSK, Cassandra, S3, Secrets Manager, the image registry and
# CloudWatch Logs (through the VPC's NAT or endpoints).
resource "aws_vpc_security_group_egress_rule" "service_all" {
  security_group_id = aws_security_group.service.id
  description       = "all outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "kafka" {
  name_prefix = "${local.name}-kafka-"
  description = "edge-chat ${var.region_id}: MSK brokers"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "kafka_from_service" {
  # SASL/SCRAM over TLS only (kafka.tf): the one listener clients may use.
  for_each = { sasl_scram_tls = 9096 }

  security_group_id            = aws_security_group.kafka.id
  description                  = "Kafka ${each.key} from region-core"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = aws_security_group.service.id
}

resource "aws_security_group" "cassandra" {
  name_prefix = "${local.name}-cassandra-"
  description = "edge-chat ${var.region_id}: Cassandra datacenter ${var.region_id}"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cassandra_cql_from_service" {
  security_group_id            = aws_security_group.cassandra.id
  description                  = "CQL from region-core (client IPs are preserved through the NLB)"
  ip_protocol                  = "tcp"
  from_port                    = 9042
  to_port                      = 9042
  referenced_security_group_id = aws_security_group.service.id
}

resource "aws_vpc_security_group_ingress_rule" "cassandra_cql_from_nlb" {
  security_group_id            = aws_security_group.cassandra.id
  description                  = "CQL health checks from the contact-point NLB"
  ip_protocol                  = "tcp"
  from_port                    = 9042
  to_port                      = 9042
  referenced_security_group_id = aws_security_group.cassandra_nlb.id
}

resource "aws_vpc_security_group_ingress_rule" "cassandra_gossip_self" {
  security_group_id            = aws_security_group.cassandra.id
  description                  = "inter-node (gossip, streaming) within the datacenter"
  ip_protocol                  = "tcp"
  from_port                    = 7000
  to_port                      = 7000
  referenced_security_group_id = aws_security_group.cassandra.id
}

resource "aws_vpc_security_group_ingress_rule" "cassandra_gossip_peers" {
  for_each = toset(var.cassandra_peer_cidrs)

  security_group_id = aws_security_group.cassandra.id
  description       = "inter-node from another region's datacenter"
  ip_protocol       = "tcp"
  from_port         = 7000
  to_port           = 7000
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "cassandra_all" {
  security_group_id = aws_security_group.cassandra.id
  description       = "all outbound (peers in other regions, EC2 API for seed discovery)"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "cassandra_nlb" {
  name_prefix = "${local.name}-cql-nlb-"
  description = "edge-chat ${var.region_id}: CQL contact-point load balancer"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cassandra_nlb_from_service" {
  security_group_id            = aws_security_group.cassandra_nlb.id
  description                  = "CQL from region-core"
  ip_protocol                  = "tcp"
  from_port                    = 9042
  to_port                      = 9042
  referenced_security_group_id = aws_security_group.service.id
}

resource "aws_vpc_security_group_egress_rule" "cassandra_nlb_to_nodes" {
  security_group_id            = aws_security_group.cassandra_nlb.id
  description                  = "CQL to the nodes"
  ip_protocol                  = "tcp"
  from_port                    = 9042
  to_port                      = 9042
  referenced_security_group_id = aws_security_group.cassandra.id
}
