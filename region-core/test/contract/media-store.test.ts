// The media-store contract against both stores: the embedded one and the harness's versitygw.
import { createServer } from "node:net";
import { afterAll, beforeAll, inject } from "vitest";
import type { MediaConfig } from "../../src/config.ts";
import { s3MediaStore } from "../../src/media/s3.ts";
import { embeddedTestStore, type TestStore, versitygwSettings } from "../media-stores.ts";
import { mediaDeleteContract } from "./media-delete.contract.ts";
import { mediaStoreContract } from "./media-store.contract.ts";

const services = inject("services");
let embedded: TestStore;
/** A loopback port that nothing listens on (bound, read, released). */
let deadPort: number;

beforeAll(async () => {
  embedded = await embeddedTestStore("contract-media");
  deadPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
});

afterAll(async () => {
  await embedded?.close();
});

function factory(settings: () => MediaConfig["s3"]) {
  return () => ({
    store: () => s3MediaStore(settings()),
    absent: () => s3MediaStore({ ...settings(), endpoint: `http://127.0.0.1:${deadPort}` }),
  });
}

mediaStoreContract(
  "embedded store",
  factory(() => embedded.settings),
);
mediaStoreContract(
  "versitygw (real S3 server)",
  factory(() => versitygwSettings(services)),
);
mediaDeleteContract("embedded store", () => s3MediaStore(embedded.settings));
mediaDeleteContract("versitygw (real S3 server)", () => s3MediaStore(versitygwSettings(services)));
