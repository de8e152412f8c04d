// S3-compatible server: versitygw (verifies SigV4 signatures, so presigned-URL tests mean
// something) with its posix backend under the run dir; creates the default bucket once it answers.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  ListBucketsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { ServicesConfig } from "../config.ts";
import { log, versitygwBinary } from "../install.ts";
import { isRunning, readPid, startDetached, stopProcess, waitReady } from "../process.ts";
import type { HealthRow, S3Endpoint } from "../types.ts";

const ID = "s3";

export function s3Endpoint(cfg: ServicesConfig): S3Endpoint {
  return {
    endpoint: `http://${cfg.host}:${cfg.s3.port}`,
    awsRegion: cfg.s3.awsRegion,
    accessKeyId: cfg.s3.accessKeyId,
    secretAccessKey: cfg.s3.secretAccessKey,
    bucket: cfg.s3.bucket,
  };
}

function client(e: S3Endpoint): S3Client {
  return new S3Client({
    endpoint: e.endpoint,
    region: e.awsRegion,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    forcePathStyle: true,
    maxAttempts: 1,
  });
}

/** Healthy when a signed ListBuckets succeeds (proves the credentials too). */
export async function s3Ping(cfg: ServicesConfig): Promise<boolean> {
  const c = client(s3Endpoint(cfg));
  try {
    await c.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  } finally {
    c.destroy();
  }
}

async function ensureBucket(e: S3Endpoint): Promise<void> {
  const c = client(e);
  try {
    try {
      await c.send(new HeadBucketCommand({ Bucket: e.bucket }));
    } catch {
      await c.send(new CreateBucketCommand({ Bucket: e.bucket }));
    }
    // Browsers upload and download media straight from the bucket with presigned URLs, from the
    // page's origin (the demo under `npm start`, any local port): a loopback-only test server, so
    // any origin may ask; the URLs' signatures are still what grants access.
    await c.send(
      new PutBucketCorsCommand({
        Bucket: e.bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: ["*"],
              AllowedMethods: ["GET", "PUT", "HEAD"],
              // The media API signs the upload's owner, conversation and size in as x-amz-meta-*
              // headers, and its lifecycle tag as x-amz-tagging.
              AllowedHeaders: [
                "content-type",
                "content-length",
                "x-amz-meta-owner",
                "x-amz-meta-conversation",
                "x-amz-meta-size",
                "x-amz-tagging",
              ],
              MaxAgeSeconds: 600,
            },
          ],
        },
      }),
    );
  } finally {
    c.destroy();
  }
}

export async function upS3(cfg: ServicesConfig): Promise<S3Endpoint> {
  const e = s3Endpoint(cfg);
  const what = `S3 (versitygw, ${e.endpoint})`;
  const existing = readPid(cfg.runDir, ID);
  if (isRunning(existing)) {
    await waitReady({
      service: "s3",
      rec: existing!,
      timeoutMs: 30_000,
      check: () => s3Ping(cfg),
      what,
    });
  } else {
    const exe = await versitygwBinary(cfg);
    const root = join(cfg.runDir, "s3", "data");
    const sidecar = join(cfg.runDir, "s3", "meta");
    mkdirSync(root, { recursive: true });
    mkdirSync(sidecar, { recursive: true });
    log(`starting ${what}`);
    const rec = startDetached(cfg.runDir, {
      id: ID,
      command: exe,
      // Metadata in a sidecar dir: works on filesystems without user xattrs (overlay, tmpfs).
      args: [
        "--port",
        `${cfg.host}:${cfg.s3.port}`,
        "--region",
        e.awsRegion,
        "posix",
        "--sidecar",
        sidecar,
        root,
      ],
      log: join(cfg.logDir, "s3.log"),
      marker: root,
      // Credentials by environment, so they do not show in the process list.
      env: {
        ...process.env,
        ROOT_ACCESS_KEY_ID: e.accessKeyId,
        ROOT_SECRET_ACCESS_KEY: e.secretAccessKey,
      },
    });
    await waitReady({
      service: "s3",
      rec,
      started: { runDir: cfg.runDir, id: ID },
      timeoutMs: 60_000,
      check: () => s3Ping(cfg),
      what,
    });
  }
  await ensureBucket(e);
  return e;
}

export async function downS3(cfg: ServicesConfig): Promise<string[]> {
  return (await stopProcess(cfg.runDir, ID)) ? ["s3"] : [];
}

export async function statusS3(cfg: ServicesConfig): Promise<HealthRow> {
  const rec = readPid(cfg.runDir, ID);
  const running = isRunning(rec);
  const healthy = running && (await s3Ping(cfg));
  return {
    service: "s3",
    address: s3Endpoint(cfg).endpoint,
    state: healthy ? "healthy" : running ? "unhealthy" : "stopped",
    pid: running ? rec!.pid : undefined,
    log: join(cfg.logDir, "s3.log"),
  };
}
