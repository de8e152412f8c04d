// Smoke: presigned PUT and GET URLs against versitygw, which checks signatures and expiry.
import { randomUUID } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, describe, expect, inject, it } from "vitest";

const services = inject("services");

describe("s3 presigned URLs", () => {
  const s3 = new S3Client({
    endpoint: services.s3.endpoint,
    region: services.s3.awsRegion,
    credentials: {
      accessKeyId: services.s3.accessKeyId,
      secretAccessKey: services.s3.secretAccessKey,
    },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
  const Bucket = services.s3.bucket;
  afterAll(() => s3.destroy());

  it("uploads through a presigned PUT and downloads through a presigned GET", async () => {
    const Key = `smoke/${randomUUID()}.txt`;
    const body = `hello ${randomUUID()}`;
    const putUrl = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket, Key, ContentType: "text/plain" }),
      {
        expiresIn: 300,
      },
    );
    const put = await fetch(putUrl, {
      method: "PUT",
      body,
      headers: { "content-type": "text/plain" },
    });
    expect(put.status).toBe(200);

    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), {
      expiresIn: 300,
    });
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe(body);
  });

  it("refuses a tampered presigned URL", async () => {
    const Key = `smoke/${randomUUID()}.txt`;
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: "secret" }));
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn: 300 }),
    );
    url.pathname = url.pathname.replace(/\.txt$/, ".TXT");
    const res = await fetch(url);
    expect(res.status).toBe(403);
    const sig = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn: 300 }),
    );
    const original = sig.searchParams.get("X-Amz-Signature")!;
    sig.searchParams.set(
      "X-Amz-Signature",
      original.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    );
    expect((await fetch(sig)).status).toBe(403);
  });

  it("refuses an expired presigned URL", async () => {
    const Key = `smoke/${randomUUID()}.txt`;
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: "old" }));
    // Signed ten minutes in the past with a one-minute lifetime: expired without waiting.
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 10 * 60_000),
    });
    expect((await fetch(url)).status).toBe(403);
  });

  it("lets a browser page upload with a presigned PUT (CORS preflight)", async () => {
    const url = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket, Key: `cors/${randomUUID()}`, ContentType: "image/png" }),
      { expiresIn: 60 },
    );
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:8787",
        "access-control-request-method": "PUT",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toMatch(
      /^(\*|http:\/\/127\.0\.0\.1:8787)$/,
    );
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PUT");
  });
});
