// Types the test-side `env` from cloudflare:workers / cloudflare:test as the Worker's own Env.
import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** The harness's Upstash REST endpoint (set by vitest.config.ts for the contract tests). */
      TEST_UPSTASH_URL: string;
      TEST_UPSTASH_TOKEN: string;
    }
  }
}
