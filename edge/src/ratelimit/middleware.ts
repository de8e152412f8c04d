// Hono middleware for the per-IP global limit on every /v1 request (before auth, so a flood of bad
// tokens is limited too). The per-user limit runs in requireUser, once the token is verified.
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config.ts";
import type { AppEnv } from "../http/app-env.ts";
import { sharedStateFor } from "../shared/index.ts";
import { enforceLimit } from "./ports.ts";

export const limitByIp = createMiddleware<AppEnv>(async (c, next) => {
  // Cloudflare always sets CF-Connecting-IP; without it (wrangler dev, tests) every caller would
  // share one key, so the IP limit only applies where the IP is known.
  const ip = c.req.header("CF-Connecting-IP");
  if (ip) await enforceLimit(sharedStateFor(loadConfig(c.env)).ipLimiter, ip);
  await next();
});
