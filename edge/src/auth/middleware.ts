// Hono middleware: a valid bearer token or a 401 (via the app's onError); sets `userId`, then
// applies the user's global rate limit (every authenticated route passes here).
import { ChatError } from "@edge-chat/protocol";
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config.ts";
import type { AppEnv } from "../http/app-env.ts";
import { enforceLimit } from "../ratelimit/ports.ts";
import { sharedStateFor } from "../shared/index.ts";
import { bearerToken, verifyUserToken } from "./jwt.ts";

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) throw new ChatError("unauthenticated", "missing bearer token");
  const config = loadConfig(c.env);
  const userId = await verifyUserToken(token, config.jwt);
  c.set("userId", userId);
  await enforceLimit(sharedStateFor(config).userLimiter, userId);
  await next();
});
