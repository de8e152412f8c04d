# Media downloads through CloudFront: the bucket stays private (only this distribution may read it,
# through Origin Access Control), region-core signs CloudFront URLs with a key of the trusted key
# group (MEDIA_CDN_* below), and the cache is keyed on the object path alone, so a popular image in
# a big group leaves the bucket once per edge location instead of once per member. Signatures and
# expiry are still checked on every request at the edge: access stays short-lived and member-only.
# Enabled when media_cdn_public_key_pem is set.

locals {
  cdn_enabled = var.media_cdn_public_key_pem != null
}

resource "aws_cloudfront_origin_access_control" "media" {
  count = local.cdn_enabled ? 1 : 0

  name                              = "${local.name}-media"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_public_key" "media" {
  count = local.cdn_enabled ? 1 : 0

  name_prefix = "${local.name}-media-"
  encoded_key = var.media_cdn_public_key_pem
}

resource "aws_cloudfront_key_group" "media" {
  count = local.cdn_enabled ? 1 : 0

  name  = "${local.name}-media"
  items = [aws_cloudfront_public_key.media[0].id]
}

# Query strings (the signature), cookies and headers stay out of the cache key: every member's
# URL for an object hits the same cached copy. Objects never change under a key (the region
# publishes each under a fresh one), so long TTLs are safe.
resource "aws_cloudfront_cache_policy" "media" {
  count = local.cdn_enabled ? 1 : 0

  name        = "${local.name}-media"
  min_ttl     = 0
  default_ttl = 86400
  max_ttl     = 31536000

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = false
    enable_accept_encoding_brotli = false
    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_distribution" "media" {
  count = local.cdn_enabled ? 1 : 0

  enabled         = true
  comment         = "${local.name} media (signed URLs only)"
  is_ipv6_enabled = true
  price_class     = var.media_cdn_price_class
  tags            = local.tags

  origin {
    origin_id                = "media-bucket"
    domain_name              = aws_s3_bucket.media.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.media[0].id
  }

  default_cache_behavior {
    target_origin_id       = "media-bucket"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["GET", "HEAD", "OPTIONS"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = aws_cloudfront_cache_policy.media[0].id
    trusted_key_groups     = [aws_cloudfront_key_group.media[0].id]
    compress               = false
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  lifecycle {
    precondition {
      condition     = var.media_cdn_private_key_secret_arn != null
      error_message = "media_cdn_private_key_secret_arn is required when media_cdn_public_key_pem is set."
    }
  }
}

# The distribution (and nothing else public) may read objects; added to the bucket's policy.
data "aws_iam_policy_document" "media_cdn_read" {
  count = local.cdn_enabled ? 1 : 0

  statement {
    sid       = "CloudFrontReadsMedia"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.media.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.media[0].arn]
    }
  }
}
