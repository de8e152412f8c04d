# The region's public face: ingest.<region>.<domain> and history.<region>.<domain> on one HTTPS
# load balancer in front of region-core. Only the paths the edge calls are forwarded; /metrics and
# anything else get a 404 from the load balancer itself.

resource "aws_acm_certificate" "this" {
  domain_name               = local.ingest_host
  subject_alternative_names = [local.history_host]
  validation_method         = "DNS"
  tags                      = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "certificate_validation" {
  for_each = {
    for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => option
  }

  zone_id         = var.route53_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.certificate_validation : record.fqdn]
}

resource "aws_lb" "public" {
  name               = "${local.name}-api"
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]
  # Ingest batches are small and answered once Kafka has them; 60 s covers a slow acks=all.
  idle_timeout = 60
  tags         = local.tags
}

resource "aws_lb_target_group" "region_core" {
  name                 = "${local.name}-core"
  port                 = local.service_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = local.tags

  health_check {
    path                = "/health"
    matcher             = "200"
    healthy_threshold   = 2
    unhealthy_threshold = 3
    interval            = 15
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate_validation.this.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = "{\"error\":{\"code\":\"not_found\"}}"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "routes" {
  for_each = {
    ingest  = { priority = 10, host = local.ingest_host, paths = ["/v1/ingest", "/health"] }
    history = { priority = 20, host = local.history_host, paths = ["/v1/history/*", "/v1/users/*", "/health"] }
  }

  listener_arn = aws_lb_listener.https.arn
  priority     = each.value.priority
  tags         = local.tags

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.region_core.arn
  }

  condition {
    host_header {
      values = [each.value.host]
    }
  }

  condition {
    path_pattern {
      values = each.value.paths
    }
  }
}

resource "aws_route53_record" "hosts" {
  for_each = toset([local.ingest_host, local.history_host])

  zone_id = var.route53_zone_id
  name    = each.value
  type    = "A"

  alias {
    name                   = aws_lb.public.dns_name
    zone_id                = aws_lb.public.zone_id
    evaluate_target_health = true
  }
}
