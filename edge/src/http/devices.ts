// The device registry's public routes: POST/GET /v1/devices, PATCH/DELETE /v1/devices/:deviceId,
// and the caller's notification settings (GET/PUT /v1/notification-settings: previews, do not
// disturb, muted conversations, applied by the notifier).
// The caller's own devices only (the user id comes from the verified token); bodies are validated
// here and the registry itself lives region-side (see region-core's devices/), where the notifier
// reads it and drops what providers report gone.
import {
  DeviceId,
  NotificationSettings,
  parseWith,
  RegisterDeviceRequest,
  UpdateDeviceRequest,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import { requireUser } from "../auth/index.ts";
import { loadConfig } from "../config.ts";
import { callRegion } from "../region/call.ts";
import type { AppEnv } from "./app-env.ts";
import { jsonBody } from "./json-body.ts";

/** The region's answer, passed through (it is already a protocol body or a typed error). */
function relay(response: Response): Response {
  return new Response(response.body, {
    status: response.status,
    headers: { "content-type": response.headers.get("content-type") ?? "application/json" },
  });
}

export function deviceRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/v1/devices", requireUser);
  app.use("/v1/devices/*", requireUser);
  app.use("/v1/notification-settings", requireUser);
  app.use("/v1/push/web-push-key", requireUser);
  app.get("/v1/push/web-push-key", async (c) =>
    relay(await callRegion(deps(c.env), "GET", "/v1/push/web-push-key")),
  );
  const deps = (env: AppEnv["Bindings"]) => ({ config: loadConfig(env), now: () => Date.now() });
  const base = (userId: string) => `/v1/users/${encodeURIComponent(userId)}/devices`;

  app.get("/v1/devices", async (c) =>
    relay(await callRegion(deps(c.env), "GET", base(c.get("userId")))),
  );
  app.post("/v1/devices", async (c) => {
    const body = parseWith(RegisterDeviceRequest, await jsonBody(c.req.raw));
    return relay(await callRegion(deps(c.env), "POST", base(c.get("userId")), body));
  });
  app.patch("/v1/devices/:deviceId", async (c) => {
    const deviceId = parseWith(DeviceId, c.req.param("deviceId"));
    const body = parseWith(UpdateDeviceRequest, await jsonBody(c.req.raw));
    return relay(
      await callRegion(deps(c.env), "PATCH", `${base(c.get("userId"))}/${deviceId}`, body),
    );
  });
  app.delete("/v1/devices/:deviceId", async (c) => {
    const deviceId = parseWith(DeviceId, c.req.param("deviceId"));
    return relay(await callRegion(deps(c.env), "DELETE", `${base(c.get("userId"))}/${deviceId}`));
  });

  const settingsPath = (userId: string) =>
    `/v1/users/${encodeURIComponent(userId)}/notification-settings`;
  app.get("/v1/notification-settings", async (c) =>
    relay(await callRegion(deps(c.env), "GET", settingsPath(c.get("userId")))),
  );
  app.put("/v1/notification-settings", async (c) => {
    const body = parseWith(NotificationSettings, await jsonBody(c.req.raw));
    return relay(await callRegion(deps(c.env), "PUT", settingsPath(c.get("userId")), body));
  });
  return app;
}
