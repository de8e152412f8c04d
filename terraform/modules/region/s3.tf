# Media bucket: clients PUT and GET objects with short-lived presigned URLs that region-core signs
# (its task role below); nothing is public. Uploads that never become a message are cleaned up by
# the lifecycle rules.

resource "aws_s3_bucket" "media" {
  bucket = "${local.name}-media-${data.aws_caller_identity.current.account_id}"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "media" {
  bucket = aws_s3_bucket.media.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs disabled: the bucket owner owns every object, whoever uploaded it.
resource "aws_s3_bucket_ownership_controls" "media" {
  bucket = aws_s3_bucket.media.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "media" {
  bucket = aws_s3_bucket.media.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    # One KMS call per bucket key rather than per object: cheaper for many small media objects.
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "media" {
  bucket = aws_s3_bucket.media.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.media_abandoned_upload_days
    }
  }

  # Every presigned PUT carries the signed tag upload=pending (region-core media/s3.ts), so raw
  # uploads expire after the grace period; what receivers download is the copy the region
  # publishes on verification, written without the tag. Published objects that no message
  # references are not expired yet.
  rule {
    id     = "expire-unreferenced-uploads"
    status = "Enabled"

    filter {
      tag {
        key   = "upload"
        value = "pending"
      }
    }

    expiration {
      days = var.media_abandoned_upload_days
    }
  }
}

resource "aws_s3_bucket_cors_configuration" "media" {
  bucket = aws_s3_bucket.media.id

  cors_rule {
    allowed_methods = ["PUT", "GET", "HEAD"]
    allowed_origins = var.media_cors_allowed_origins
    # Presigned PUTs from browsers send Content-Type and the signed x-amz-* headers (tagging,
    # checksums); nothing else is needed.
    allowed_headers = ["content-type", "content-md5", "x-amz-*"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3600
  }
}

data "aws_iam_policy_document" "media_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.media.arn,
      "${aws_s3_bucket.media.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# The CDN's read grant (cdn.tf), when the CDN is enabled, joins the deny above.
data "aws_iam_policy_document" "media_bucket_combined" {
  source_policy_documents = concat(
    [data.aws_iam_policy_document.media_bucket.json],
    [for d in data.aws_iam_policy_document.media_cdn_read : d.json],
  )
}

resource "aws_s3_bucket_policy" "media" {
  bucket = aws_s3_bucket.media.id
  policy = data.aws_iam_policy_document.media_bucket_combined.json

  # The public access block must exist first, or S3 may evaluate the policy against an open bucket.
  depends_on = [aws_s3_bucket_public_access_block.media]
}
