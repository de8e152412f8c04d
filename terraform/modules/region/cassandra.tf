# One Cassandra datacenter named after the region: an autoscaling group of EC2 nodes over the three
# private subnets. GossipingPropertyFileSnitch with dc = region id and rack = availability zone, so
# NetworkTopologyStrategy places the three replicas of this DC in three AZs, and region-core's
# LOCAL_QUORUM (CASSANDRA_LOCAL_DC = region id) is answered inside the region.
#
# Nodes carry data, so the group never replaces or rebalances them on its own (suspended processes,
# scale-in protection); replacing a dead node is an operations step (see the README).

locals {
  cassandra_tags = {
    "edge-chat:cassandra-cluster" = var.cassandra_cluster_name
    "edge-chat:cassandra-dc"      = var.region_id
  }
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cassandra" {
  name_prefix        = "${local.name}-cassandra-"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = local.tags
}

# Seed discovery at boot lists the cluster's running instances (here and in the seed regions); the
# node's client TLS keystore is read once at boot (user data).
data "aws_iam_policy_document" "cassandra" {
  statement {
    actions   = ["ec2:DescribeInstances"]
    resources = ["*"]
  }

  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.cassandra_tls_keystore_secret_arn]
  }
}

resource "aws_iam_role_policy" "cassandra" {
  name   = "seed-discovery"
  role   = aws_iam_role.cassandra.id
  policy = data.aws_iam_policy_document.cassandra.json
}

# Shell access through SSM Session Manager (nodetool), no SSH keys or open port 22.
resource "aws_iam_role_policy_attachment" "cassandra_ssm" {
  role       = aws_iam_role.cassandra.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "cassandra" {
  name_prefix = "${local.name}-cassandra-"
  role        = aws_iam_role.cassandra.name
  tags        = local.tags
}

resource "aws_launch_template" "cassandra" {
  name_prefix   = "${local.name}-cassandra-"
  image_id      = var.cassandra_ami_id
  instance_type = var.cassandra_instance_type

  vpc_security_group_ids = [aws_security_group.cassandra.id]

  iam_instance_profile {
    arn = aws_iam_instance_profile.cassandra.arn
  }

  # Data volume, mounted at /var/lib/cassandra by the user data.
  block_device_mappings {
    device_name = "/dev/sdf"

    ebs {
      volume_type           = "gp3"
      volume_size           = var.cassandra_volume_gb
      encrypted             = true
      delete_on_termination = true
    }
  }

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  user_data = base64encode(templatefile("${path.module}/templates/cassandra-user-data.sh.tftpl", {
    cluster_name       = var.cassandra_cluster_name
    datacenter         = var.region_id
    aws_region         = data.aws_region.current.name
    seed_aws_regions   = join(" ", var.cassandra_seed_aws_regions)
    cluster_tag_key    = "edge-chat:cassandra-cluster"
    datacenter_tag_key = "edge-chat:cassandra-dc"
    keystore_secret    = var.cassandra_tls_keystore_secret_arn
  }))

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, local.cassandra_tags, { Name = "${local.name}-cassandra" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, local.cassandra_tags)
  }

  tags = local.tags
}

resource "aws_autoscaling_group" "cassandra" {
  name                = "${local.name}-cassandra"
  min_size            = var.cassandra_nodes
  max_size            = var.cassandra_nodes
  desired_capacity    = var.cassandra_nodes
  vpc_zone_identifier = var.private_subnet_ids
  target_group_arns   = [aws_lb_target_group.cassandra.arn]

  # EC2 status only: a node that is slow to answer CQL must not be terminated (it holds data).
  health_check_type     = "EC2"
  protect_from_scale_in = true
  suspended_processes   = ["AZRebalance", "ReplaceUnhealthy"]

  launch_template {
    id      = aws_launch_template.cassandra.id
    version = aws_launch_template.cassandra.latest_version
  }

  dynamic "tag" {
    for_each = merge(local.tags, local.cassandra_tags)

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

# Contact point for region-core: an internal NLB on 9042. The driver only uses it for the first
# connection; it then reads the ring from system.peers and connects to every node directly.
resource "aws_lb" "cassandra" {
  name               = "${local.name}-cql"
  load_balancer_type = "network"
  internal           = true
  subnets            = var.private_subnet_ids
  security_groups    = [aws_security_group.cassandra_nlb.id]
  tags               = local.tags
}

resource "aws_lb_target_group" "cassandra" {
  name        = "${local.name}-cql"
  port        = 9042
  protocol    = "TCP"
  target_type = "instance"
  vpc_id      = var.vpc_id
  tags        = local.tags

  health_check {
    protocol = "TCP"
    port     = "9042"
  }
}

resource "aws_lb_listener" "cassandra" {
  load_balancer_arn = aws_lb.cassandra.arn
  port              = 9042
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.cassandra.arn
  }
}
