// Devices and push: what a device registers (its platform and push credentials), the device registry's
// HTTP bodies, the push event the edge emits on the region path (Kafka topic for push, keyed by user
// id), and the payload a phone finally receives. The notifier in region-core consumes PushEvent.
import { z } from "zod";
import { ConversationId, PresenceDeviceId, Timestamp, UserId, Watermark } from "./ids.ts";
import { INBOX_PREVIEW_CHARS, LastMessageKind, Presence } from "./inbox.ts";
import { LIMITS } from "./limits.ts";

/** A device id chosen by the server at registration (a UUID). */
export const DeviceId = z.string().uuid();
export type DeviceId = z.infer<typeof DeviceId>;

/** URL-safe base64 without padding, as browsers give the Web Push keys. */
const base64Url = z.string().regex(/^[A-Za-z0-9_-]+$/, "URL-safe base64 without padding");

/** A browser's PushSubscription (RFC 8030 endpoint, RFC 8291 keys), as `subscription.toJSON()`. */
export const WebPushSubscription = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  keys: z.object({
    /** The user agent's P-256 public key, uncompressed point (65 bytes → 87 characters). */
    p256dh: base64Url.length(87),
    /** The 16-byte authentication secret (22 characters). */
    auth: base64Url.length(22),
  }),
});
export type WebPushSubscription = z.infer<typeof WebPushSubscription>;

export const PushCredentials = z.discriminatedUnion("platform", [
  z.object({ platform: z.literal("web"), subscription: WebPushSubscription }),
  z.object({
    platform: z.literal("apns"),
    /** The device token in hex, as iOS hands it to the app. */
    token: z.string().regex(/^[0-9a-fA-F]{32,200}$/, "APNs tokens are hex"),
    /** The app's bundle id (the `apns-topic`). */
    topic: z.string().min(1).max(255),
    environment: z.enum(["production", "sandbox"]).default("production"),
  }),
  z.object({
    platform: z.literal("fcm"),
    /** The FCM registration token. */
    token: z.string().min(1).max(4096),
  }),
]);
export type PushCredentials = z.infer<typeof PushCredentials>;
export type Platform = PushCredentials["platform"];

/** The role a device plays: WhatsApp-style, one phone plus a few companions (web, desktop). */
export const DeviceRole = z.enum(["phone", "companion"]);
export type DeviceRole = z.infer<typeof DeviceRole>;

export const DeviceName = z.string().trim().min(1).max(64);

/** One registered device of a user, as the registry keeps and lists it. */
export const Device = z.object({
  deviceId: DeviceId,
  userId: UserId,
  name: DeviceName,
  role: DeviceRole,
  /** Absent for a device that only keeps sockets (no push). */
  push: PushCredentials.optional(),
  createdAt: Timestamp,
  lastActiveAt: Timestamp,
});
export type Device = z.infer<typeof Device>;

/** POST /v1/devices */
export const RegisterDeviceRequest = z.object({
  name: DeviceName,
  role: DeviceRole.default("companion"),
  push: PushCredentials.optional(),
});
export type RegisterDeviceRequest = z.infer<typeof RegisterDeviceRequest>;

/** PATCH /v1/devices/:deviceId (rename, or replace the push credentials after a refresh). */
export const UpdateDeviceRequest = z
  .object({ name: DeviceName.optional(), push: PushCredentials.optional() })
  .refine((body) => body.name !== undefined || body.push !== undefined, "nothing to update");
export type UpdateDeviceRequest = z.infer<typeof UpdateDeviceRequest>;

/** GET /v1/devices; credentials are not echoed back (they are secrets of the device). */
export const DeviceSummary = Device.omit({ push: true, userId: true }).extend({
  platform: z.enum(["web", "apns", "fcm"]).optional(),
});
export type DeviceSummary = z.infer<typeof DeviceSummary>;
export const DeviceList = z.object({ devices: z.array(DeviceSummary) });
export type DeviceList = z.infer<typeof DeviceList>;

/** Default maximum devices per user: 4 companions plus a phone. */
export const DEVICE_LIMITS = { phones: 1, companions: 4 } as const;

/**
 * A due push, on the region path (Kafka, keyed by user id). Collapsed at the edge already: one event
 * per conversation per collapse window, `count` messages since the previous one. `skipDeviceIds` are
 * the user's devices connected right now (they get the message on their socket, not as a push).
 */
export const PushEvent = z.object({
  type: z.literal("push"),
  /** Unique per event: providers and the dead-letter record carry it. */
  pushId: z.string().uuid(),
  userId: UserId,
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]),
  name: z.string().max(200).optional(),
  count: z.number().int().min(1),
  lastSeq: Watermark,
  /** Absent when the recipient turned previews off (privacy setting). */
  senderId: UserId.optional(),
  lastMessageKind: LastMessageKind.optional(),
  preview: z.string().max(INBOX_PREVIEW_CHARS).optional(),
  unread: Watermark,
  at: Timestamp,
  // Presence ids: registry ids for registered devices, any client id for the others.
  skipDeviceIds: z.array(PresenceDeviceId).max(64).default([]),
  /** A covered message mentions the recipient: the notifier sends it through a mute. */
  mentioned: z.boolean().optional(),
});
export type PushEvent = z.infer<typeof PushEvent>;

/** POST /v1/push (edge → region, service token): due pushes to publish to the push topic. */
export const PushBatch = z.object({ events: z.array(PushEvent).min(1).max(LIMITS.maxBatchEvents) });
export type PushBatch = z.infer<typeof PushBatch>;
export const PushBatchResult = z.object({ accepted: z.number().int().min(0) });
export type PushBatchResult = z.infer<typeof PushBatchResult>;

/** What the device receives (the Web Push payload, APNs custom data, FCM data). Small on purpose. */
export const PushPayload = z.object({
  conversationId: ConversationId,
  kind: z.enum(["direct", "group"]),
  name: z.string().optional(),
  count: z.number().int().min(1),
  unread: Watermark,
  lastSeq: Watermark,
  senderId: UserId.optional(),
  lastMessageKind: LastMessageKind.optional(),
  preview: z.string().optional(),
  at: Timestamp,
});
export type PushPayload = z.infer<typeof PushPayload>;

/**
 * POST /v1/presence/heartbeat: this device has a socket open (inbox or conversation). Sent every
 * PRESENCE_HEARTBEAT_MS while connected; presence lapses a TTL after the last one. `offline: true`
 * signs the device off at once (page closed, logout).
 */
export const PresenceHeartbeat = z.object({
  deviceId: PresenceDeviceId,
  offline: z.boolean().default(false),
});
export type PresenceHeartbeat = z.infer<typeof PresenceHeartbeat>;

/** How often a connected device should send a heartbeat (the edge's TTL is a few of these). */
export const PRESENCE_HEARTBEAT_MS = 20_000;

/** PUT /v1/presence/settings: hide online state and last seen from everyone. */
export const PresenceSettings = z.object({ hideLastSeen: z.boolean() });
export type PresenceSettings = z.infer<typeof PresenceSettings>;

/** A mute or do-not-disturb: on until `until`, or until turned off when `until` is absent. */
export const Quiet = z.object({ until: Timestamp.optional() });
export type Quiet = z.infer<typeof Quiet>;

/**
 * GET/PUT /v1/notification-settings: the user's push preferences, applied by the notifier to every
 * push: previews off drops sender and text from what providers (and lock screens) see; do not
 * disturb and a conversation's mute suppress the push (the message is still delivered and unread).
 */
export const NotificationSettings = z.object({
  previews: z.boolean().default(true),
  doNotDisturb: Quiet.optional(),
  muted: z
    .record(ConversationId, Quiet)
    .default({})
    .refine((muted) => Object.keys(muted).length <= 1000, "at most 1000 muted conversations"),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { previews: true, muted: {} };

/** GET /v1/conversations/:id/presence: every other member's presence, for members only. */
export const ConversationPresence = z.object({ presence: z.array(Presence) });
export type ConversationPresence = z.infer<typeof ConversationPresence>;

/** GET /v1/push/web-push-key: the VAPID public key (URL-safe base64) browsers subscribe with. */
export const WebPushKey = z.object({ publicKey: base64Url });
export type WebPushKey = z.infer<typeof WebPushKey>;
