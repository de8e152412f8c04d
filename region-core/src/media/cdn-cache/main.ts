// `node region-core/src/media/cdn-cache/main.ts`: the local CDN (a caching proxy in front of the
// object store) as its own process, as `npm start` runs it; regions sign downloads for it through
// S3_DOWNLOAD_ENDPOINT. Settings come from the environment, validated once here.
import { z } from "zod";
import { LOCAL_S3 } from "../../config.ts";
import { s3MediaStore } from "../s3.ts";
import { startCdnCache } from "./server.ts";

const Env = z.object({
  MEDIA_CACHE_HOST: z.string().min(1).default("127.0.0.1"),
  MEDIA_CACHE_PORT: z.coerce.number().int().min(0).max(65_535).default(8793),
  /** The store the cache reads from (npm start: the embedded store). */
  MEDIA_CACHE_ORIGIN: z.url({ protocol: /^https?$/ }).default(LOCAL_S3.endpoint),
  MEDIA_BUCKET: z.string().min(3).max(63).default("edge-chat-media"),
  MEDIA_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  MEDIA_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(256 * 1024 * 1024),
  MEDIA_STORE_CORS_ORIGINS: z.string().min(1).default("*"),
});

async function main(): Promise<void> {
  const parsed = Env.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")),
  );
  if (!parsed.success) {
    console.error(`cdn cache: invalid configuration: ${parsed.error.message}`);
    process.exit(1);
  }
  const env = parsed.data;
  const origin = s3MediaStore({
    endpoint: env.MEDIA_CACHE_ORIGIN,
    awsRegion: LOCAL_S3.awsRegion,
    bucket: env.MEDIA_BUCKET,
    credentials: LOCAL_S3.credentials,
    forcePathStyle: true,
    signContentLength: true,
  });
  const cache = await startCdnCache({
    host: env.MEDIA_CACHE_HOST,
    port: env.MEDIA_CACHE_PORT,
    bucket: env.MEDIA_BUCKET,
    origin,
    credentials: [LOCAL_S3.credentials],
    corsOrigins: env.MEDIA_STORE_CORS_ORIGINS.split(",").map((o) => o.trim()),
    ttlMs: env.MEDIA_CACHE_TTL_MS,
    maxBytes: env.MEDIA_CACHE_MAX_BYTES,
  });
  console.log(`local CDN cache on ${cache.endpoint} in front of ${env.MEDIA_CACHE_ORIGIN}`);
  const stop = () =>
    void cache.close().then(() => {
      origin.close();
      process.exit(0);
    });
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error("cdn cache: failed to start", error);
    process.exit(1);
  });
}
