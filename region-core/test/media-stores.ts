// The two object stores media tests run against: the embedded store of `npm start` (started here
// on port 0, objects in a fresh temporary directory) and the harness's versitygw.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceEndpoints } from "@edge-chat/services";
import { LOCAL_S3, type MediaConfig } from "../src/config.ts";
import { startEmbeddedStore } from "../src/media/store-server/server.ts";

export interface TestStore {
  settings: MediaConfig["s3"];
  close(): Promise<void>;
}

export async function embeddedTestStore(bucket: string): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), "edge-chat-store-"));
  const store = await startEmbeddedStore({
    host: "127.0.0.1",
    port: 0,
    dir,
    buckets: [bucket],
    credentials: [LOCAL_S3.credentials],
    corsOrigins: ["*"],
    maxObjectBytes: 64 * 1024 * 1024,
  });
  return {
    settings: {
      endpoint: store.endpoint,
      awsRegion: "us-east-1",
      bucket,
      credentials: LOCAL_S3.credentials,
      forcePathStyle: true,
      signContentLength: true,
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function versitygwSettings(services: ServiceEndpoints): MediaConfig["s3"] {
  return {
    endpoint: services.s3.endpoint,
    awsRegion: services.s3.awsRegion,
    bucket: services.s3.bucket,
    credentials: {
      accessKeyId: services.s3.accessKeyId,
      secretAccessKey: services.s3.secretAccessKey,
    },
    forcePathStyle: true,
    signContentLength: true,
  };
}
