// The media-store contract against both stores: the embedded one (started here on port 0, objects in
// a temporary directory) and the harness's versitygw.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { LOCAL_S3, type MediaConfig } from "../../src/config.ts";
import { s3MediaStore } from "../../src/media/s3.ts";
import { type RunningStore, startEmbeddedStore } from "../../src/media/store-server/server.ts";
import { mediaStoreContract } from "./media-store.contract.ts";

const services = inject("services");
let embedded: RunningStore;
let dir: string;
/** A loopback port that nothing listens on (bound, read, released). */
let deadPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-chat-store-"));
  embedded = await startEmbeddedStore({
    host: "127.0.0.1",
    port: 0,
    dir,
    buckets: ["contract-media"],
    credentials: [LOCAL_S3.credentials],
    corsOrigins: ["*"],
    maxObjectBytes: 1024 * 1024,
  });
  deadPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
});

afterAll(async () => {
  await embedded?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function factory(settings: () => MediaConfig["s3"]) {
  return () => ({
    store: () => s3MediaStore(settings()),
    absent: () => s3MediaStore({ ...settings(), endpoint: `http://127.0.0.1:${deadPort}` }),
  });
}

mediaStoreContract(
  "embedded store",
  factory(() => ({
    endpoint: embedded.endpoint,
    region: "us-east-1",
    bucket: "contract-media",
    credentials: LOCAL_S3.credentials,
    forcePathStyle: true,
    signContentLength: true,
  })),
);

mediaStoreContract(
  "versitygw (real S3 server)",
  factory(() => ({
    endpoint: services.s3.endpoint,
    region: services.s3.region,
    bucket: services.s3.bucket,
    credentials: {
      accessKeyId: services.s3.accessKeyId,
      secretAccessKey: services.s3.secretAccessKey,
    },
    forcePathStyle: true,
    signContentLength: true,
  })),
);
