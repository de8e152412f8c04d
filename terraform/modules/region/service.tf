# region-core on ECS Fargate: its configuration comes entirely from environment variables (parsed
# once at start-up by region-core/src/config.ts and @edge-chat/cql), built here from the module's
# inputs and the Kafka and Cassandra resources of this region.

locals {
  region_core_environment = {
    REGION_ID                = var.region_id
    HOST                     = "0.0.0.0"
    PORT                     = tostring(local.service_port)
    ADAPTERS                 = "real"
    KAFKA_BROKERS            = aws_msk_cluster.this.bootstrap_brokers_sasl_scram
    KAFKA_PARTITIONS         = tostring(var.kafka_partitions)
    KAFKA_REPLICATION_FACTOR = "3"
    # kafka.tf: TLS with MSK's publicly trusted certificates (system CAs), SCRAM credentials below.
    KAFKA_TLS            = "true"
    KAFKA_SASL_MECHANISM = "scram-sha-512"
    # cassandra.tf: client-to-node TLS, node certificates signed by this CA.
    CASSANDRA_TLS    = "true"
    CASSANDRA_TLS_CA = var.cassandra_tls_ca_pem
    CASSANDRA_CONTACT_POINTS = "${aws_lb.cassandra.dns_name}:9042"
    CASSANDRA_LOCAL_DC       = var.region_id
    CASSANDRA_KEYSPACE       = var.cassandra_keyspace
    CASSANDRA_REPLICATION    = local.cassandra_replication
    CASSANDRA_CONSISTENCY    = "LOCAL_QUORUM"
    # The migration runner takes a cluster-wide lease, so every task may run it at start-up.
    CASSANDRA_MIGRATE = "true"
    SERVICE_JWKS      = var.service_jwks
    # For the media API's presigned URLs (the task role below may read and write this bucket).
    MEDIA_BUCKET = aws_s3_bucket.media.bucket
    # Downloads through CloudFront (cdn.tf); empty means unset, and downloads are S3 presigned URLs.
    MEDIA_CDN_URL         = local.cdn_enabled ? "https://${aws_cloudfront_distribution.media[0].domain_name}" : ""
    MEDIA_CDN_KEY_PAIR_ID = local.cdn_enabled ? aws_cloudfront_public_key.media[0].id : ""
  }

  region_core_secrets = concat(
    [
      { name = "KAFKA_SASL_USERNAME", valueFrom = "${var.kafka_scram_secret_arn}:username::" },
      { name = "KAFKA_SASL_PASSWORD", valueFrom = "${var.kafka_scram_secret_arn}:password::" },
    ],
    var.cassandra_credentials_secret_arn == null ? [] : [
      { name = "CASSANDRA_USERNAME", valueFrom = "${var.cassandra_credentials_secret_arn}:username::" },
      { name = "CASSANDRA_PASSWORD", valueFrom = "${var.cassandra_credentials_secret_arn}:password::" },
    ],
    # The PEM private key that signs CloudFront URLs (its public half is in cdn.tf's key group).
    local.cdn_enabled ? [{ name = "MEDIA_CDN_PRIVATE_KEY", valueFrom = var.media_cdn_private_key_secret_arn }] : [],
  )
  execution_secret_arns = compact([
    var.kafka_scram_secret_arn,
    var.cassandra_credentials_secret_arn,
    local.cdn_enabled ? var.media_cdn_private_key_secret_arn : null,
  ])
}

resource "aws_ecs_cluster" "this" {
  name = local.name
  tags = local.tags

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "region_core" {
  name              = "/edge-chat/${var.region_id}/region-core"
  retention_in_days = 30
  tags              = local.tags
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Execution role: what ECS itself needs to start the task (pull the image, write logs, read secrets).
resource "aws_iam_role" "execution" {
  name_prefix        = "${local.name}-exec-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  count = length(local.execution_secret_arns) == 0 ? 0 : 1

  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.execution_secret_arns
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  count = length(local.execution_secret_arns) == 0 ? 0 : 1

  name   = "cassandra-credentials"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets[0].json
}

# Task role: what region-core's own code may do. Presigned URLs carry the signer's permissions, so
# this is exactly what a client holding a URL can do: read and write single objects in the bucket.
resource "aws_iam_role" "task" {
  name_prefix        = "${local.name}-task-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["s3:PutObject", "s3:GetObject", "s3:PutObjectTagging", "s3:DeleteObjectTagging"]
    resources = ["${aws_s3_bucket.media.arn}/*"]
  }

  # HeadBucket (is the store there before a URL is signed) and a 404, not a 403, for a missing
  # object when the region verifies an upload.
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.media.arn]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "media-bucket"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

resource "aws_ecs_task_definition" "region_core" {
  family                   = "${local.name}-region-core"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.region_core_cpu
  memory                   = var.region_core_memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  tags                     = local.tags

  # Cross-variable rules (a variable's validation may only refer to itself before Terraform 1.9).
  lifecycle {
    precondition {
      condition     = contains(keys(var.cassandra_replication), var.region_id)
      error_message = "cassandra_replication must include this region's datacenter (region_id), or LOCAL_QUORUM here has no local replicas."
    }

    precondition {
      condition     = var.region_core_max_count >= var.region_core_min_count
      error_message = "region_core_max_count must not be below region_core_min_count."
    }
  }

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.region_core_cpu_architecture
  }

  # region-core, plus the metrics agent when metrics are on (metrics.tf).
  container_definitions = jsonencode(concat([
    {
      name         = "region-core"
      image        = var.region_core_image
      essential    = true
      portMappings = [{ containerPort = local.service_port, protocol = "tcp" }]
      environment  = [for name in sort(keys(local.region_core_environment)) : { name = name, value = local.region_core_environment[name] }]
      secrets      = local.region_core_secrets
      # region-core drains on SIGTERM within SHUTDOWN_TIMEOUT_MS (15 s); give it a little more.
      stopTimeout = 30
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.region_core.name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = "region-core"
        }
      }
    }
  ], local.metrics_agent_containers))
}

resource "aws_ecs_service" "region_core" {
  name            = "region-core"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.region_core.arn
  desired_count   = var.region_core_min_count
  launch_type     = "FARGATE"

  # Migrations may take a while on the first start of a region.
  health_check_grace_period_seconds = 120

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.region_core.arn
    container_name   = "region-core"
    container_port   = local.service_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = local.tags

  # The autoscaling policy owns the running count after creation.
  lifecycle {
    ignore_changes = [desired_count]
  }

  # ECS only accepts a target group that a listener (rule) already forwards to.
  depends_on = [aws_lb_listener_rule.routes]
}

resource "aws_appautoscaling_target" "region_core" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.region_core.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.region_core_min_count
  max_capacity       = var.region_core_max_count
}

resource "aws_appautoscaling_policy" "region_core_cpu" {
  name               = "${local.name}-region-core-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.region_core.service_namespace
  resource_id        = aws_appautoscaling_target.region_core.resource_id
  scalable_dimension = aws_appautoscaling_target.region_core.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
