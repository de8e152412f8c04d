// `node region-core/src/media/store-server/main.ts`: the embedded object store as its own process,
// as `npm start` runs it (MEDIA_STORE=embedded). One store serves every simulated region, as one
// bucket would. Settings come from the environment, validated once here.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LIMITS } from "@edge-chat/protocol";
import { z } from "zod";
import { LOCAL_S3 } from "../../config.ts";
import { startEmbeddedStore } from "./server.ts";

const Env = z.object({
  MEDIA_STORE_HOST: z.string().min(1).default("127.0.0.1"),
  MEDIA_STORE_PORT: z.coerce.number().int().min(0).max(65_535).default(8792),
  MEDIA_STORE_DIR: z.string().min(1).default(join(tmpdir(), "edge-chat-media")),
  MEDIA_BUCKET: z.string().min(3).max(63).default("edge-chat-media"),
  MEDIA_STORE_CORS_ORIGINS: z.string().min(1).default("*"),
});

async function main(): Promise<void> {
  const parsed = Env.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")),
  );
  if (!parsed.success) {
    console.error(`embedded store: invalid configuration: ${parsed.error.message}`);
    process.exit(1);
  }
  const env = parsed.data;
  const store = await startEmbeddedStore({
    host: env.MEDIA_STORE_HOST,
    port: env.MEDIA_STORE_PORT,
    dir: env.MEDIA_STORE_DIR,
    buckets: [env.MEDIA_BUCKET],
    credentials: [LOCAL_S3.credentials],
    corsOrigins: env.MEDIA_STORE_CORS_ORIGINS.split(",").map((o) => o.trim()),
    maxObjectBytes: Math.max(...Object.values(LIMITS.maxMediaBytes)),
  });
  console.log(
    `embedded object store on ${store.endpoint} (bucket ${env.MEDIA_BUCKET}, ${env.MEDIA_STORE_DIR})`,
  );
  const stop = () => void store.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error("embedded store: failed to start", error);
    process.exit(1);
  });
}
