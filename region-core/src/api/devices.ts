// The device registry over HTTP for the edge (service token): GET/POST /v1/users/:userId/devices,
// PATCH/DELETE /v1/users/:userId/devices/:deviceId, and GET/PUT
// /v1/users/:userId/notification-settings (previews, do not disturb, mutes). The edge has authenticated the user and passes
// their id; credentials are written here and never read back out (the list omits them).
import { randomUUID } from "node:crypto";
import {
  ChatError,
  DEFAULT_NOTIFICATION_SETTINGS,
  type Device,
  DeviceId,
  type DeviceList,
  type DeviceSummary,
  NotificationSettings,
  parseWith,
  RegisterDeviceRequest,
  UpdateDeviceRequest,
  UserId,
} from "@edge-chat/protocol";
import { Hono } from "hono";
import type { DeviceRepository, NotificationSettingsRepository } from "../devices/ports.ts";
import { type DeviceLimits, registerDevice, updateDevice } from "../devices/registry.ts";
import { readJson } from "../http/errors.ts";

export interface DevicesApiDeps {
  devices: {
    repository: DeviceRepository;
    limits: DeviceLimits;
    settings: NotificationSettingsRepository;
  };
  now?: () => number;
}

export function summaryOf(device: Device): DeviceSummary {
  const summary: DeviceSummary = {
    deviceId: device.deviceId,
    name: device.name,
    role: device.role,
    createdAt: device.createdAt,
    lastActiveAt: device.lastActiveAt,
  };
  if (device.push) summary.platform = device.push.platform;
  return summary;
}

export function deviceRoutes(deps: DevicesApiDeps): Hono {
  const { repository, limits, settings } = deps.devices;
  const now = deps.now ?? Date.now;
  const app = new Hono();
  const ids = (c: { req: { param(name: string): string | undefined } }) => ({
    userId: parseWith(UserId, c.req.param("userId")),
    deviceId: parseWith(DeviceId, c.req.param("deviceId")),
  });
  const existing = async (userId: UserId, deviceId: DeviceId) => {
    const device = await repository.get(userId, deviceId);
    if (!device) throw new ChatError("not_found", "no such device");
    return device;
  };

  app.get("/:userId/devices", async (c) => {
    const userId = parseWith(UserId, c.req.param("userId"));
    const devices = (await repository.list(userId)).sort((a, b) => a.createdAt - b.createdAt);
    const list: DeviceList = { devices: devices.map(summaryOf) };
    return c.json(list);
  });

  app.post("/:userId/devices", async (c) => {
    const userId = parseWith(UserId, c.req.param("userId"));
    const request = parseWith(RegisterDeviceRequest, await readJson(c));
    const device = registerDevice({
      existing: await repository.list(userId),
      userId,
      request,
      deviceId: randomUUID(),
      now: now(),
      limits,
    });
    await repository.put(device);
    return c.json(summaryOf(device), 201);
  });

  app.patch("/:userId/devices/:deviceId", async (c) => {
    const { userId, deviceId } = ids(c);
    const request = parseWith(UpdateDeviceRequest, await readJson(c));
    const device = updateDevice(await existing(userId, deviceId), request, now());
    await repository.put(device);
    return c.json(summaryOf(device));
  });

  app.get("/:userId/notification-settings", async (c) => {
    const userId = parseWith(UserId, c.req.param("userId"));
    return c.json((await settings.get(userId)) ?? DEFAULT_NOTIFICATION_SETTINGS);
  });

  app.put("/:userId/notification-settings", async (c) => {
    const userId = parseWith(UserId, c.req.param("userId"));
    const body = parseWith(NotificationSettings, await readJson(c));
    await settings.put(userId, body);
    return c.json(body);
  });

  app.delete("/:userId/devices/:deviceId", async (c) => {
    const { userId, deviceId } = ids(c);
    await existing(userId, deviceId);
    await repository.remove(userId, deviceId);
    return c.body(null, 204);
  });
  return app;
}
