// The SigV4 verifier against URLs and requests signed by the AWS SDK itself (no server).
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";
import { parseRange } from "./server.ts";
import { type SignedRequest, verifySigV4 } from "./sigv4.ts";

const credentials = { accessKeyId: "AKTEST", secretAccessKey: "secret-for-tests" };
const client = new S3Client({
  endpoint: "http://127.0.0.1:9",
  region: "us-east-1",
  forcePathStyle: true,
  credentials,
  requestChecksumCalculation: "WHEN_REQUIRED",
});

function requestOf(
  url: string,
  method: string,
  headers: Record<string, string> = {},
): SignedRequest {
  const parsed = new URL(url);
  return {
    method,
    rawPath: parsed.pathname,
    query: [...parsed.searchParams],
    headers: { host: parsed.host, ...headers },
  };
}

describe("verifySigV4", () => {
  it("accepts the SDK's presigned GET until it expires, and nothing changed", async () => {
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: "b", Key: "c/d:a:b/k 1" }),
      { expiresIn: 60 },
    );
    const signedAt = Date.parse(
      new URL(url).searchParams
        .get("X-Amz-Date")!
        .replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
    );
    expect(verifySigV4(requestOf(url, "GET"), [credentials], signedAt + 1000)).toMatchObject({
      ok: true,
    });
    expect(verifySigV4(requestOf(url, "GET"), [credentials], signedAt + 61_000)).toMatchObject({
      ok: false,
      code: "AccessDenied",
    });
    expect(verifySigV4(requestOf(url, "DELETE"), [credentials], signedAt)).toMatchObject({
      code: "SignatureDoesNotMatch",
    });
    const other = { ...credentials, secretAccessKey: "another" };
    expect(verifySigV4(requestOf(url, "GET"), [other], signedAt)).toMatchObject({
      code: "SignatureDoesNotMatch",
    });
    expect(verifySigV4(requestOf(url, "GET"), [], signedAt)).toMatchObject({
      code: "InvalidAccessKeyId",
    });
  });

  it("checks signed headers of a presigned PUT (content-type)", async () => {
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: "b", Key: "k", ContentType: "image/png" }),
      { expiresIn: 60, signableHeaders: new Set(["content-type"]) },
    );
    const now = Date.now();
    expect(
      verifySigV4(requestOf(url, "PUT", { "content-type": "image/png" }), [credentials], now),
    ).toMatchObject({
      ok: true,
    });
    expect(
      verifySigV4(requestOf(url, "PUT", { "content-type": "text/html" }), [credentials], now),
    ).toMatchObject({
      code: "SignatureDoesNotMatch",
    });
  });
});

describe("parseRange", () => {
  it("reads the forms S3 accepts and refuses what cannot be satisfied", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual([0, 9]);
    expect(parseRange("bytes=90-", 100)).toEqual([90, 99]);
    expect(parseRange("bytes=-10", 100)).toEqual([90, 99]);
    expect(parseRange("bytes=50-500", 100)).toEqual([50, 99]);
    expect(parseRange("bytes=100-", 100)).toBeNull();
    expect(parseRange("items=1-2", 100)).toBeUndefined();
  });
});
