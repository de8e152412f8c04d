// Hono middleware: a valid bearer token or a 401 (via the app's onError); sets `userId`.
import { ChatError } from "@edge-chat/protocol";
import { createMiddleware } from "hono/factory";
import { loadConfig } from "../config.ts";
import type { AppEnv } from "../http/app-env.ts";
import { bearerToken, verifyUserToken } from "./jwt.ts";

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) throw new ChatError("unauthenticated", "missing bearer token");
  c.set("userId", await verifyUserToken(token, loadConfig(c.env).jwt));
  await next();
});
