# The scrape configuration of this region: a metrics agent (the AWS Distro for OpenTelemetry
# collector) runs beside region-core in the same task, scrapes its /metrics on localhost every
# 15 s, and remote-writes to the shared Prometheus workspace (modules/observability). Off when
# metrics_remote_write_url is null.

variable "metrics_remote_write_url" {
  description = "Prometheus remote_write URL (modules/observability's remote_write_url); null: no metrics agent."
  type        = string
  default     = null
}

variable "metrics_workspace_arn" {
  description = "ARN of the Prometheus workspace the agent writes to (for the task role's aps:RemoteWrite)."
  type        = string
  default     = null
}

variable "metrics_workspace_region" {
  description = "AWS region of the Prometheus workspace (the agent signs its writes for it)."
  type        = string
  default     = null
}

variable "metrics_agent_image" {
  description = "Container image of the AWS Distro for OpenTelemetry collector (reads its config from AOT_CONFIG_CONTENT)."
  type        = string
  default     = null
}

locals {
  metrics_enabled = var.metrics_remote_write_url != null

  metrics_agent_config = templatefile("${path.module}/templates/metrics-agent.yaml.tftpl", {
    region_id         = var.region_id
    port              = local.service_port
    remote_write_url  = coalesce(var.metrics_remote_write_url, "http://disabled.invalid")
    workspace_region  = coalesce(var.metrics_workspace_region, data.aws_region.current.name)
    scrape_interval_s = 15
  })

  metrics_agent_containers = local.metrics_enabled ? [
    {
      name        = "metrics-agent"
      image       = var.metrics_agent_image
      essential   = false
      environment = [{ name = "AOT_CONFIG_CONTENT", value = local.metrics_agent_config }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.region_core.name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = "metrics-agent"
        }
      }
    }
  ] : []
}

data "aws_iam_policy_document" "metrics" {
  count = local.metrics_enabled ? 1 : 0

  statement {
    actions   = ["aps:RemoteWrite"]
    resources = [var.metrics_workspace_arn]
  }
}

resource "aws_iam_role_policy" "metrics" {
  count  = local.metrics_enabled ? 1 : 0
  name   = "metrics-remote-write"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.metrics[0].json

  lifecycle {
    precondition {
      condition     = var.metrics_workspace_arn != null && var.metrics_agent_image != null
      error_message = "metrics_remote_write_url needs metrics_workspace_arn and metrics_agent_image too."
    }
  }
}
