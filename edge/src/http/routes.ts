// The public HTTP API's one route table: method, path (Hono's syntax, as the routes are registered),
// request and response schemas from the protocol, and the error codes each route answers. The
// OpenAPI document (openapi.ts) is derived from it entry by entry, and the table is checked against
// the routes the Hono app really registers (routeTableMismatches, run by edge/test/openapi.test.ts):
// none missing, none invented.
import {
  AddMemberRequest,
  ClientFrame,
  Conversation,
  ConversationPresence,
  CreateDirectRequest,
  CreateGroupRequest,
  CreatedInvite,
  CreateInviteRequest,
  DeleteRequest,
  DeviceList,
  DeviceSummary,
  EditHistory,
  EditRequest,
  type ErrorCode,
  HiddenList,
  HistoryPage,
  HistoryQuery,
  InboxClientFrame,
  InboxList,
  InboxServerFrame,
  InviteList,
  JoinInviteRequest,
  MediaDownloadTicket,
  MediaUploadRequest,
  MediaUploadTicket,
  MediaVerifyRequest,
  NotificationSettings,
  Presence,
  PresenceHeartbeat,
  PresenceSettings,
  ReactionList,
  ReactRequest,
  RegisterDeviceRequest,
  SendAck,
  SendRequest,
  ServerFrame,
  SetRoleRequest,
  TicketResponse,
  UpdateDeviceRequest,
  UpdateGroupRequest,
  UserId,
  VerifiedMedia,
  WatermarkRequest,
  WebPushKey,
} from "@edge-chat/protocol";
import { z } from "zod";

export type Method = "get" | "post" | "put" | "patch" | "delete";
export type Auth = "bearer" | "bearer-or-ticket" | "none";

/** One route: its path in Hono's syntax (":id"), its schemas and the error codes it answers. */
export interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  auth: Auth;
  request?: z.ZodType;
  query?: z.ZodObject;
  /** Status → body schema (null: no body; "redirect": a Location header). */
  responses: Record<number, z.ZodType | null | "redirect">;
  errors: ErrorCode[];
  websocket?: { client: z.ZodType; server: z.ZodType };
}

/** Answered by every authenticated route (a bad token, an overloaded or failing dependency). */
const AUTHED: ErrorCode[] = ["unauthenticated", "internal"];
const CONV: ErrorCode[] = [...AUTHED, "not_found"];
/** Refusals shared by every message change (edit, delete for everyone, reaction). */
const CHANGE: ErrorCode[] = [
  ...CONV,
  "invalid_request",
  "blocked",
  "message_deleted",
  "rate_limited",
];
/** The device registry lives region-side: its answers are relayed, and no region is unavailable. */
const REGION: ErrorCode[] = [...AUTHED, "unavailable"];

export const ROUTES: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/health",
    summary: "Liveness of the edge Worker.",
    auth: "none",
    responses: { 200: z.object({ ok: z.boolean() }) },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/openapi.json",
    summary: "This document.",
    auth: "none",
    responses: { 200: z.object({ openapi: z.string() }) },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/frames.md",
    summary: "A Markdown reference of the WebSocket frames, generated from the same schemas.",
    auth: "none",
    responses: { 200: z.string() },
    errors: [],
  },
  {
    method: "post",
    path: "/dev/tokens",
    summary: "Mints a local user token (only when ENVIRONMENT=development; 404 otherwise).",
    auth: "none",
    request: z.object({ userId: UserId }),
    responses: { 200: z.object({ token: z.string() }) },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "get",
    path: "/v1/conversations",
    summary: "The caller's conversation list with unread counts.",
    auth: "bearer",
    responses: { 200: InboxList },
    errors: AUTHED,
  },
  {
    method: "post",
    path: "/v1/conversations/direct",
    summary: "The one direct conversation between the caller and a peer (created on first use).",
    auth: "bearer",
    request: CreateDirectRequest,
    responses: { 200: Conversation },
    errors: [...AUTHED, "invalid_request"],
  },
  {
    method: "post",
    path: "/v1/conversations/groups",
    summary: "Creates a group with the caller as its first admin.",
    auth: "bearer",
    request: CreateGroupRequest,
    responses: { 201: Conversation },
    errors: [...AUTHED, "invalid_request"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id",
    summary: "A conversation and its members.",
    auth: "bearer",
    responses: { 200: Conversation },
    errors: CONV,
  },
  {
    method: "patch",
    path: "/v1/conversations/:id",
    summary: "Renames a group, sets its description or admin-only sending (admins only).",
    auth: "bearer",
    request: UpdateGroupRequest,
    responses: { 200: Conversation },
    errors: [...CONV, "invalid_request", "forbidden", "conflict"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id/presence",
    summary: "The presence and last seen of the conversation's other members.",
    auth: "bearer",
    responses: { 200: ConversationPresence },
    errors: CONV,
  },
  {
    method: "post",
    path: "/v1/conversations/:id/block",
    summary: "Blocks a direct chat for the caller (direct conversations only).",
    auth: "bearer",
    responses: { 204: null },
    errors: [...CONV, "invalid_request"],
  },
  {
    method: "delete",
    path: "/v1/conversations/:id/block",
    summary: "Unblocks a direct chat for the caller (direct conversations only).",
    auth: "bearer",
    responses: { 204: null },
    errors: [...CONV, "invalid_request"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/invites",
    summary:
      "Creates an invite link (group admins): a token shown once, optionally expiring and limited in uses.",
    auth: "bearer",
    request: CreateInviteRequest,
    responses: { 201: CreatedInvite },
    errors: [...CONV, "invalid_request", "forbidden", "rate_limited"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id/invites",
    summary: "The group's invite links, newest first, without their tokens (group admins).",
    auth: "bearer",
    responses: { 200: InviteList },
    errors: [...CONV, "forbidden"],
  },
  {
    method: "delete",
    path: "/v1/conversations/:id/invites/:inviteId",
    summary: "Revokes an invite link (group admins); a system message records it.",
    auth: "bearer",
    responses: { 204: null },
    errors: [...CONV, "invalid_request", "forbidden", "conflict"],
  },
  {
    method: "post",
    path: "/v1/invites/join",
    summary:
      "Joins the group an invite token names. A wrong, revoked, expired or used-up token is not_found; a member gets conflict.",
    auth: "bearer",
    request: JoinInviteRequest,
    responses: { 200: Conversation },
    errors: [...AUTHED, "invalid_request", "not_found", "conflict", "rate_limited"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/tickets",
    summary: "A short-lived single-use ticket for a browser's WebSocket upgrade.",
    auth: "bearer",
    responses: { 200: TicketResponse },
    errors: CONV,
  },
  {
    method: "get",
    path: "/v1/conversations/:id/ws",
    summary: "The conversation's WebSocket (frames: ClientFrame in, ServerFrame out).",
    auth: "bearer-or-ticket",
    responses: { 101: null },
    errors: [...CONV, "invalid_request", "unsupported_version"],
    websocket: { client: ClientFrame, server: ServerFrame },
  },
  {
    method: "post",
    path: "/v1/conversations/:id/members",
    summary: "Adds a member (admins only).",
    auth: "bearer",
    request: AddMemberRequest,
    responses: { 201: Conversation },
    errors: [...CONV, "invalid_request", "forbidden", "conflict"],
  },
  {
    method: "delete",
    path: "/v1/conversations/:id/members/:userId",
    summary: "Removes a member (admins, or a member leaving).",
    auth: "bearer",
    responses: { 200: Conversation },
    errors: [...CONV, "invalid_request", "forbidden"],
  },
  {
    method: "put",
    path: "/v1/conversations/:id/members/:userId/role",
    summary: "Promotes or demotes a member (admins only; a group keeps at least one admin).",
    auth: "bearer",
    request: SetRoleRequest,
    responses: { 200: Conversation },
    errors: [...CONV, "invalid_request", "forbidden", "conflict"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/messages",
    summary: "Sends a message; 201 when new, 200 when the clientMsgId was already sent.",
    auth: "bearer",
    request: SendRequest,
    responses: { 200: SendAck, 201: SendAck },
    errors: [...CONV, "invalid_request", "content_too_large", "rate_limited"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id/messages",
    summary: "A page of messages in ascending seq order (older ones from the region).",
    auth: "bearer",
    query: HistoryQuery,
    responses: { 200: HistoryPage },
    errors: [...CONV, "invalid_request", "unavailable"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id/messages/hidden",
    summary: "The seqs the caller deleted for themself.",
    auth: "bearer",
    responses: { 200: HiddenList },
    errors: CONV,
  },
  {
    method: "post",
    path: "/v1/conversations/:id/messages/:seq/edit",
    summary:
      "Edits the caller's text message; 201 when new, 200 when the clientMsgId was already sent.",
    auth: "bearer",
    request: EditRequest,
    responses: { 200: SendAck, 201: SendAck },
    errors: [...CHANGE, "not_sender", "window_expired"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/messages/:seq/delete",
    summary:
      "Deletes a message: for everyone (201 SendAck of the delete, 200 for a resend), or for the caller only (204).",
    auth: "bearer",
    request: DeleteRequest,
    responses: { 200: SendAck, 201: SendAck, 204: null },
    errors: [...CHANGE, "forbidden", "window_expired"],
  },
  {
    method: "put",
    path: "/v1/conversations/:id/messages/:seq/reaction",
    summary:
      "Sets or (emoji null) removes the caller's reaction; 201 when new, 200 when the clientMsgId was already sent.",
    auth: "bearer",
    request: ReactRequest,
    responses: { 200: SendAck, 201: SendAck },
    errors: [...CHANGE, "conflict"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id/messages/:seq/edits",
    summary: "The edit history of a message in the window (its sender only).",
    auth: "bearer",
    responses: { 200: EditHistory },
    errors: [...CONV, "invalid_request", "not_sender"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id/messages/:seq/reactions",
    summary: "Who reacted to a message, with what.",
    auth: "bearer",
    responses: { 200: ReactionList },
    errors: [...CONV, "invalid_request"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/read",
    summary: "Moves the caller's read watermark forward.",
    auth: "bearer",
    request: WatermarkRequest,
    responses: { 204: null },
    errors: [...CONV, "invalid_request"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/delivered",
    summary: "Moves the caller's delivered watermark forward.",
    auth: "bearer",
    request: WatermarkRequest,
    responses: { 204: null },
    errors: [...CONV, "invalid_request"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/media",
    summary: "A presigned upload URL for one media object of the conversation.",
    auth: "bearer",
    request: MediaUploadRequest,
    responses: { 201: MediaUploadTicket },
    errors: [...CONV, "invalid_request", "content_too_large", "rate_limited", "unavailable"],
  },
  {
    method: "post",
    path: "/v1/conversations/:id/media/verify",
    summary:
      "Checks an uploaded object (owner, type, size, bytes) and records it, so a message may reference it.",
    auth: "bearer",
    request: MediaVerifyRequest,
    responses: { 200: VerifiedMedia },
    errors: [...CONV, "invalid_request", "content_too_large", "unavailable"],
  },
  {
    method: "get",
    path: "/v1/conversations/:id/media/:objectKey{.+}",
    summary:
      "Redirects to a short-lived signed download URL (JSON ticket with Accept: application/json).",
    auth: "bearer",
    responses: { 200: MediaDownloadTicket, 302: "redirect" },
    errors: [...CONV, "unavailable"],
  },
  {
    method: "post",
    path: "/v1/inbox/tickets",
    summary: "A short-lived single-use ticket for the inbox WebSocket.",
    auth: "bearer",
    responses: { 200: TicketResponse },
    errors: AUTHED,
  },
  {
    method: "get",
    path: "/v1/inbox/ws",
    summary: "The caller's inbox WebSocket (InboxClientFrame in, InboxServerFrame out).",
    auth: "bearer-or-ticket",
    responses: { 101: null },
    errors: [...AUTHED, "invalid_request"],
    websocket: { client: InboxClientFrame, server: InboxServerFrame },
  },
  {
    method: "get",
    path: "/v1/users/:userId/presence",
    summary: "A direct peer's presence and last seen (404 for anyone else).",
    auth: "bearer",
    responses: { 200: Presence },
    errors: [...AUTHED, "not_found"],
  },
  {
    method: "post",
    path: "/v1/presence/heartbeat",
    summary: "A device's heartbeat while a socket is open (offline: true signs the device off).",
    auth: "bearer",
    request: PresenceHeartbeat,
    responses: { 204: null },
    errors: [...AUTHED, "invalid_request"],
  },
  {
    method: "put",
    path: "/v1/presence/settings",
    summary: "The caller's last-seen privacy.",
    auth: "bearer",
    request: PresenceSettings,
    responses: { 204: null },
    errors: [...AUTHED, "invalid_request"],
  },
  {
    method: "get",
    path: "/v1/devices",
    summary: "The caller's devices (push credentials are never read back).",
    auth: "bearer",
    responses: { 200: DeviceList },
    errors: REGION,
  },
  {
    method: "post",
    path: "/v1/devices",
    summary: "Registers a device (or updates the one with the same push credentials).",
    auth: "bearer",
    request: RegisterDeviceRequest,
    responses: { 201: DeviceSummary },
    errors: [...REGION, "invalid_request", "conflict"],
  },
  {
    method: "patch",
    path: "/v1/devices/:deviceId",
    summary: "Renames a device or replaces its push credentials.",
    auth: "bearer",
    request: UpdateDeviceRequest,
    responses: { 200: DeviceSummary },
    errors: [...REGION, "invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/v1/devices/:deviceId",
    summary: "Removes one of the caller's devices.",
    auth: "bearer",
    responses: { 204: null },
    errors: [...REGION, "invalid_request", "not_found"],
  },
  {
    method: "get",
    path: "/v1/notification-settings",
    summary: "The caller's notification settings (previews, do not disturb, muted conversations).",
    auth: "bearer",
    responses: { 200: NotificationSettings },
    errors: REGION,
  },
  {
    method: "put",
    path: "/v1/notification-settings",
    summary: "Replaces the caller's notification settings; answers with them.",
    auth: "bearer",
    request: NotificationSettings,
    responses: { 200: NotificationSettings },
    errors: [...REGION, "invalid_request"],
  },
  {
    method: "get",
    path: "/v1/push/web-push-key",
    summary: "The VAPID public key for Web Push subscriptions (404 when Web Push is off).",
    auth: "bearer",
    responses: { 200: WebPushKey },
    errors: [...REGION, "not_found"],
  },
];

/** Hono's ":id" and ":objectKey{.+}" are OpenAPI's "{id}" and "{objectKey}". */
export function openApiPath(path: string): string {
  return path.replaceAll(/:(\w+)(\{[^}]*\})?/g, "{$1}");
}

/** A registered route as Hono lists it (`app.routes`). */
export interface RegisteredRoute {
  method: string;
  path: string;
}

const keyOf = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/**
 * How the table and the app's registered routes differ: routes the app has that the table lacks,
 * and table rows no route serves. Both empty when the table is the truth.
 */
export function routeTableMismatches(
  registered: readonly RegisteredRoute[],
  table: readonly RouteDoc[] = ROUTES,
): { undocumented: string[]; unserved: string[] } {
  const served = new Set(registered.map((r) => keyOf(r.method, r.path)));
  const documented = new Set(table.map((r) => keyOf(r.method, r.path)));
  return {
    undocumented: [...served].filter((key) => !documented.has(key)).sort(),
    unserved: [...documented].filter((key) => !served.has(key)).sort(),
  };
}
