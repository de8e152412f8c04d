// The S3 adapter of the media signer (the only file that imports the AWS SDK): SigV4 presigned
// PUT and GET URLs. Signing is local computation; no request reaches the store from here.
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { MediaConfig } from "../config.ts";
import type { MediaSigner } from "./ports.ts";

export function s3MediaSigner(config: MediaConfig["s3"]): MediaSigner & { close(): void } {
  const client = new S3Client({
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    ...(config.region !== undefined ? { region: config.region } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Without these the SDK adds CRC32 checksum parameters to every URL: a checksum of the empty
    // body at signing time for a PUT, which no real upload would match.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  // The presigner leaves content-type unsigned by default; signing it (and the length) is what
  // binds the URL to the object the ticket was issued for.
  const signed = new Set(["content-type", ...(config.signContentLength ? ["content-length"] : [])]);
  return {
    async signUpload({ key, mime, size, expiresInSeconds }) {
      const url = await getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: key,
          ContentType: mime,
          ...(config.signContentLength ? { ContentLength: size } : {}),
        }),
        { expiresIn: expiresInSeconds, signableHeaders: signed },
      );
      const headers: Record<string, string> = { "content-type": mime };
      if (config.signContentLength) headers["content-length"] = String(size);
      return { url, headers };
    },
    async signDownload({ key, expiresInSeconds }) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: config.bucket, Key: key }), {
        expiresIn: expiresInSeconds,
      });
    },
    close: () => client.destroy(),
  };
}
