// Pure rules of the device registry: a user has at most `phones` phones and `companions` companion
// devices (default 1 + 4, as WhatsApp allows); registering the same push credentials again (a
// browser re-subscribing, an app reinstall handing back its token) updates that device instead of
// adding one; a rename or a credential refresh touches last activity. No I/O here.
import {
  ChatError,
  DEVICE_LIMITS,
  type Device,
  type DeviceId,
  type PushCredentials,
  type RegisterDeviceRequest,
  type UpdateDeviceRequest,
  type UserId,
} from "@edge-chat/protocol";

export interface DeviceLimits {
  phones: number;
  companions: number;
}

export const DEFAULT_DEVICE_LIMITS: DeviceLimits = { ...DEVICE_LIMITS };

/** The identity of a push channel: two registrations with it are the same device. */
export function pushIdentity(push: PushCredentials): string {
  return push.platform === "web"
    ? `web:${push.subscription.endpoint}`
    : `${push.platform}:${push.token}`;
}

export function registerDevice(input: {
  existing: readonly Device[];
  userId: UserId;
  request: RegisterDeviceRequest;
  deviceId: DeviceId;
  now: number;
  limits: DeviceLimits;
}): Device {
  const { existing, userId, request, now, limits } = input;
  const identity = request.push ? pushIdentity(request.push) : undefined;
  const same = identity
    ? existing.find((d) => d.push !== undefined && pushIdentity(d.push) === identity)
    : undefined;
  if (same) {
    const updated: Device = { ...same, name: request.name, role: request.role, lastActiveAt: now };
    if (request.push) updated.push = request.push;
    return updated;
  }
  const sameRole = existing.filter((d) => d.role === request.role).length;
  const limit = request.role === "phone" ? limits.phones : limits.companions;
  if (sameRole >= limit) {
    throw new ChatError(
      "conflict",
      `at most ${limit} ${request.role === "phone" ? "phone" : "companion device"}${limit === 1 ? "" : "s"} per user; remove one first`,
    );
  }
  const device: Device = {
    deviceId: input.deviceId,
    userId,
    name: request.name,
    role: request.role,
    createdAt: now,
    lastActiveAt: now,
  };
  if (request.push) device.push = request.push;
  return device;
}

export function updateDevice(device: Device, request: UpdateDeviceRequest, now: number): Device {
  const updated: Device = { ...device, lastActiveAt: now };
  if (request.name !== undefined) updated.name = request.name;
  if (request.push !== undefined) updated.push = request.push;
  return updated;
}
