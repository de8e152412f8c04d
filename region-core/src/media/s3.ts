// The S3 adapter of the media store (the only file that imports the AWS SDK): SigV4 presigned PUT
// and GET URLs, and the few object calls the region makes itself. The same adapter talks to AWS S3,
// the harness's versitygw and the embedded store of `npm start` (store-server/).
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ChatError } from "@edge-chat/protocol";
import type { MediaConfig } from "../config.ts";
import type { MediaStore } from "./ports.ts";

/**
 * Every raw upload is tagged (signed, so a client cannot drop it): the bucket's lifecycle rule
 * expires tagged objects after a grace period. What receivers download is the copy the region
 * publishes on verification, written without the tag, so only raw uploads expire.
 */
export const UPLOAD_TAG = "upload=pending";

const isNotFound = (error: unknown) =>
  error instanceof S3ServiceException &&
  (error.$metadata.httpStatusCode === 404 ||
    error.name === "NoSuchKey" ||
    error.name === "NotFound");

/** Store errors other than "no such object" mean the store is not usable now. */
function unavailable(error: unknown): ChatError {
  return new ChatError("unavailable", "object storage is unavailable", { cause: error });
}

function s3Client(config: MediaConfig["s3"], endpoint: string | undefined): S3Client {
  return new S3Client({
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(config.awsRegion !== undefined ? { region: config.awsRegion } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Without these the SDK adds CRC32 checksum parameters to every URL: a checksum of the empty
    // body at signing time for a PUT, which no real upload would match.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // A store that is not there should fail fast, not hold a request for the SDK's retries.
    maxAttempts: 2,
  });
}

export function s3MediaStore(config: MediaConfig["s3"]): MediaStore {
  const client = s3Client(config, config.endpoint);
  // Downloads may be signed for a cache in front of the store (the local CDN), which checks them.
  const downloads =
    config.downloadEndpoint !== undefined ? s3Client(config, config.downloadEndpoint) : client;
  // The presigner leaves content-type unsigned by default; signing it (and the length) is what
  // binds the URL to the object the ticket was issued for.
  const signed = new Set(["content-type", ...(config.signContentLength ? ["content-length"] : [])]);
  const bucket = config.bucket;
  return {
    async checkReachable() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        throw unavailable(error);
      }
    },
    async signUpload({ key, mime, size, metadata = {}, expiresInSeconds }) {
      // Metadata headers stay headers (the presigner would move x-amz-* into the query, where not
      // every store reads them) and are signed, so the client cannot change them.
      const meta = [
        ...Object.keys(metadata).map((name) => `x-amz-meta-${name.toLowerCase()}`),
        "x-amz-tagging",
      ];
      const url = await getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          ContentType: mime,
          ...(config.signContentLength ? { ContentLength: size } : {}),
          ...(Object.keys(metadata).length > 0 ? { Metadata: metadata } : {}),
          Tagging: UPLOAD_TAG,
        }),
        {
          expiresIn: expiresInSeconds,
          signableHeaders: new Set([...signed, ...meta]),
          unhoistableHeaders: new Set(meta),
        },
      );
      const headers: Record<string, string> = { "content-type": mime };
      if (config.signContentLength) headers["content-length"] = String(size);
      for (const [name, value] of Object.entries(metadata)) {
        headers[`x-amz-meta-${name.toLowerCase()}`] = value;
      }
      headers["x-amz-tagging"] = UPLOAD_TAG;
      return { url, headers };
    },
    async signDownload({ key, expiresInSeconds }) {
      return getSignedUrl(downloads, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: expiresInSeconds,
      });
    },
    async head(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          size: out.ContentLength ?? 0,
          contentType: out.ContentType ?? "binary/octet-stream",
          metadata: out.Metadata ?? {},
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw unavailable(error);
      }
    },
    async read(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (isNotFound(error)) return null;
        throw unavailable(error);
      }
    },
    async put(key, body, contentType, metadata) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            ...(metadata && Object.keys(metadata).length > 0 ? { Metadata: metadata } : {}),
          }),
        );
      } catch (error) {
        throw unavailable(error);
      }
    },
    async list({ prefix, next, limit = 1000 }) {
      try {
        const out = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: limit,
            ...(next !== undefined ? { ContinuationToken: next } : {}),
          }),
        );
        return {
          objects: (out.Contents ?? []).flatMap((o) =>
            o.Key === undefined
              ? []
              : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 }],
          ),
          ...(out.IsTruncated && out.NextContinuationToken
            ? { next: out.NextContinuationToken }
            : {}),
        };
      } catch (error) {
        throw unavailable(error);
      }
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        throw unavailable(error);
      }
    },
    close: () => {
      client.destroy();
      if (downloads !== client) downloads.destroy();
    },
  };
}
