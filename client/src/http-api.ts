// Typed calls to the edge's HTTP API. Every response is validated against its protocol schema and
// every failure becomes a ChatError with the server's code, so callers never see raw statuses.
import {
  type AddMemberRequest,
  ChatError,
  Conversation,
  type ConversationId,
  ConversationPresence,
  DeviceList,
  DeviceSummary,
  NotificationSettings,
  type PresenceHeartbeat,
  type PresenceSettings,
  type RegisterDeviceRequest,
  type UpdateDeviceRequest,
  type CreateGroupRequest,
  CreatedInvite,
  type CreateInviteRequest,
  InviteList,
  type InviteSummary,
  type DeleteRequest,
  EditHistory,
  type EditRequest,
  ERROR_CODES,
  type ErrorCode,
  ErrorResponse,
  HiddenList,
  HistoryPage,
  InboxList,
  LIMITS,
  type MemberRole,
  MediaDownloadTicket,
  type MediaUploadRequest,
  MediaUploadTicket,
  type MediaVerifyRequest,
  VerifiedMedia,
  Presence,
  ReactionList,
  type ReactRequest,
  SendAck,
  type SendRequest,
  type Seq,
  TicketResponse,
  type UpdateGroupRequest,
  type UserId,
  type Watermark,
  WebPushKey,
} from "@edge-chat/protocol";

/** Anything that validates like a protocol schema (zod's safeParse), so no zod import is needed. */
export interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: unknown };
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpApiOptions {
  /** Origin of the edge, e.g. "https://chat.example.com" (a path prefix is kept). */
  baseUrl: string;
  /** Returns a current JWT; called for every request so the app can refresh it. */
  getToken: () => Promise<string>;
  fetchImpl?: FetchLike;
}

export type HistoryRequest =
  | { before: Seq; after?: undefined; limit?: number }
  | { after: Watermark; before?: undefined; limit?: number }
  | { before?: undefined; after?: undefined; limit?: number };

/** The media calls, as the media module needs them. */
export interface MediaTickets {
  mediaVerify(conversationId: ConversationId, objectKey: string): Promise<VerifiedMedia>;
  mediaUploadTicket(
    conversationId: ConversationId,
    request: MediaUploadRequest,
  ): Promise<MediaUploadTicket>;
  mediaDownloadTicket(
    conversationId: ConversationId,
    objectKey: string,
  ): Promise<MediaDownloadTicket>;
}

export class HttpApi implements MediaTickets {
  readonly baseUrl: string;
  readonly #getToken: () => Promise<string>;
  readonly #fetch: FetchLike;
  /** The fetch this client uses (also for object storage). */
  protected readonly fetchImpl: FetchLike;

  constructor(options: HttpApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#getToken = options.getToken;
    this.#fetch = options.fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
    this.fetchImpl = this.#fetch;
  }

  createDirect(peerId: UserId): Promise<Conversation> {
    return this.#call(Conversation, "POST", "/v1/conversations/direct", { peerId });
  }

  createGroup(request: CreateGroupRequest): Promise<Conversation> {
    return this.#call(Conversation, "POST", "/v1/conversations/groups", request);
  }

  getConversation(conversationId: ConversationId): Promise<Conversation> {
    return this.#call(Conversation, "GET", conv(conversationId));
  }

  async addMember(conversationId: ConversationId, request: AddMemberRequest): Promise<void> {
    await this.#call(undefined, "POST", `${conv(conversationId)}/members`, request);
  }

  async removeMember(conversationId: ConversationId, userId: UserId): Promise<void> {
    await this.#call(
      undefined,
      "DELETE",
      `${conv(conversationId)}/members/${encodeURIComponent(userId)}`,
    );
  }

  /** Sends over HTTP (no socket needed); resending the same clientMsgId returns the original ack. */
  sendMessage(conversationId: ConversationId, request: SendRequest): Promise<SendAck> {
    return this.#call(SendAck, "POST", `${conv(conversationId)}/messages`, request);
  }

  /** Group admins: rename, describe, or restrict sending to admins. */
  updateGroup(conversationId: ConversationId, request: UpdateGroupRequest): Promise<Conversation> {
    return this.#call(Conversation, "PATCH", conv(conversationId), request);
  }

  /** Group admins: promote or demote a member. */
  setRole(conversationId: ConversationId, userId: UserId, role: MemberRole): Promise<Conversation> {
    const path = `${conv(conversationId)}/members/${encodeURIComponent(userId)}/role`;
    return this.#call(Conversation, "PUT", path, { role });
  }

  /** Blocks (true) or unblocks a direct chat: while blocked, neither side can send. */
  async setBlocked(conversationId: ConversationId, blocked: boolean): Promise<void> {
    await this.#call(undefined, blocked ? "POST" : "DELETE", `${conv(conversationId)}/block`);
  }

  /** Edits my text message `seq` (within the edit window). */
  editMessage(conversationId: ConversationId, seq: Seq, request: EditRequest): Promise<SendAck> {
    return this.#call(SendAck, "POST", `${conv(conversationId)}/messages/${seq}/edit`, request);
  }

  /** Deletes message `seq` for everyone (an ack of the delete) or only for me (undefined). */
  async deleteMessage(
    conversationId: ConversationId,
    seq: Seq,
    request: DeleteRequest,
  ): Promise<SendAck | undefined> {
    const path = `${conv(conversationId)}/messages/${seq}/delete`;
    if (request.scope === "me") {
      await this.#call(undefined, "POST", path, request);
      return undefined;
    }
    return this.#call(SendAck, "POST", path, request);
  }

  /** Sets (emoji) or removes (null) my reaction to message `seq`. */
  react(conversationId: ConversationId, seq: Seq, request: ReactRequest): Promise<SendAck> {
    return this.#call(SendAck, "PUT", `${conv(conversationId)}/messages/${seq}/reaction`, request);
  }

  /** My own message's versions, oldest first. */
  editHistory(conversationId: ConversationId, seq: Seq): Promise<EditHistory> {
    return this.#call(EditHistory, "GET", `${conv(conversationId)}/messages/${seq}/edits`);
  }

  /** Who reacted to message `seq` with what. */
  reactions(conversationId: ConversationId, seq: Seq): Promise<ReactionList> {
    return this.#call(ReactionList, "GET", `${conv(conversationId)}/messages/${seq}/reactions`);
  }

  /** The seqs I deleted for myself. */
  async hidden(conversationId: ConversationId): Promise<Seq[]> {
    return (await this.#call(HiddenList, "GET", `${conv(conversationId)}/messages/hidden`)).seqs;
  }

  history(conversationId: ConversationId, request: HistoryRequest = {}): Promise<HistoryPage> {
    const query = new URLSearchParams();
    if (request.before !== undefined) query.set("before", String(request.before));
    if (request.after !== undefined) query.set("after", String(request.after));
    query.set("limit", String(request.limit ?? LIMITS.maxPageSize));
    return this.#call(HistoryPage, "GET", `${conv(conversationId)}/messages?${query}`);
  }

  async markRead(conversationId: ConversationId, upToSeq: Seq): Promise<void> {
    await this.#call(undefined, "POST", `${conv(conversationId)}/read`, { upToSeq });
  }

  async markDelivered(conversationId: ConversationId, upToSeq: Seq): Promise<void> {
    await this.#call(undefined, "POST", `${conv(conversationId)}/delivered`, { upToSeq });
  }

  /** A short-lived, single-use ticket for opening the conversation's WebSocket. */
  ticket(conversationId: ConversationId): Promise<TicketResponse> {
    return this.#call(TicketResponse, "POST", `${conv(conversationId)}/tickets`, {});
  }

  /** My conversations, most recent first, with unread counts (from my inbox). */
  async listConversations(): Promise<InboxList["conversations"]> {
    return (await this.#call(InboxList, "GET", "/v1/conversations")).conversations;
  }

  /** A short-lived, single-use ticket for opening my inbox's WebSocket. */
  inboxTicket(): Promise<TicketResponse> {
    return this.#call(TicketResponse, "POST", "/v1/inbox/tickets", {});
  }

  /** Whether a user I share a direct conversation with is online, or when they were last seen. */
  presence(userId: UserId): Promise<Presence> {
    return this.#call(Presence, "GET", `/v1/users/${encodeURIComponent(userId)}/presence`);
  }

  /** Every other member's presence (groups too); members only. */
  async conversationPresence(conversationId: ConversationId): Promise<Presence[]> {
    const body = await this.#call(ConversationPresence, "GET", `${conv(conversationId)}/presence`);
    return body.presence;
  }

  /** This device has a socket open: online for everyone sharing a conversation, and no pushes. */
  heartbeat(beat: PresenceHeartbeat): Promise<void> {
    return this.#call(undefined, "POST", "/v1/presence/heartbeat", beat);
  }

  setPresenceSettings(settings: PresenceSettings): Promise<void> {
    return this.#call(undefined, "PUT", "/v1/presence/settings", settings);
  }

  /** Registers this device, with its push credentials (e.g. a browser's PushSubscription JSON). */
  registerDevice(request: RegisterDeviceRequest): Promise<DeviceSummary> {
    return this.#call(DeviceSummary, "POST", "/v1/devices", request);
  }

  async listDevices(): Promise<DeviceSummary[]> {
    return (await this.#call(DeviceList, "GET", "/v1/devices")).devices;
  }

  updateDevice(deviceId: string, request: UpdateDeviceRequest): Promise<DeviceSummary> {
    return this.#call(
      DeviceSummary,
      "PATCH",
      `/v1/devices/${encodeURIComponent(deviceId)}`,
      request,
    );
  }

  removeDevice(deviceId: string): Promise<void> {
    return this.#call(undefined, "DELETE", `/v1/devices/${encodeURIComponent(deviceId)}`);
  }

  /** The VAPID public key to pass to pushManager.subscribe (not_found when Web Push is off). */
  webPushKey(): Promise<WebPushKey> {
    return this.#call(WebPushKey, "GET", "/v1/push/web-push-key");
  }

  notificationSettings(): Promise<NotificationSettings> {
    return this.#call(NotificationSettings, "GET", "/v1/notification-settings");
  }

  setNotificationSettings(settings: NotificationSettings): Promise<NotificationSettings> {
    return this.#call(NotificationSettings, "PUT", "/v1/notification-settings", settings);
  }

  /**
   * Mutes a conversation's pushes until `until` (ms since the epoch) or, without it, until unmuted.
   * Messages still arrive and count as unread; a message that mentions me is pushed anyway.
   */
  async mute(conversationId: ConversationId, until?: number): Promise<NotificationSettings> {
    const settings = await this.notificationSettings();
    return this.setNotificationSettings(withMute(settings, conversationId, until ?? null));
  }

  async unmute(conversationId: ConversationId): Promise<NotificationSettings> {
    const settings = await this.notificationSettings();
    return this.setNotificationSettings(withMute(settings, conversationId, undefined));
  }

  /** Group admins: a new invite link; its `token` is shown only now. */
  createInvite(
    conversationId: ConversationId,
    request: CreateInviteRequest = {},
  ): Promise<CreatedInvite> {
    return this.#call(CreatedInvite, "POST", `${conv(conversationId)}/invites`, request);
  }

  /** Group admins: the group's invite links, newest first (without tokens). */
  async invites(conversationId: ConversationId): Promise<InviteSummary[]> {
    return (await this.#call(InviteList, "GET", `${conv(conversationId)}/invites`)).invites;
  }

  async revokeInvite(conversationId: ConversationId, inviteId: string): Promise<void> {
    const path = `${conv(conversationId)}/invites/${encodeURIComponent(inviteId)}`;
    await this.#call(undefined, "DELETE", path);
  }

  /** Joins the group an invite token names; returns the group. */
  joinByInvite(token: string): Promise<Conversation> {
    return this.#call(Conversation, "POST", "/v1/invites/join", { token });
  }

  /** A signed upload URL for one object of the conversation (members only). */
  mediaUploadTicket(
    conversationId: ConversationId,
    request: MediaUploadRequest,
  ): Promise<MediaUploadTicket> {
    return this.#call(MediaUploadTicket, "POST", `${conv(conversationId)}/media`, request);
  }

  /** After the PUT: the region checks the upload and answers with what a message may reference. */
  mediaVerify(conversationId: ConversationId, objectKey: string): Promise<VerifiedMedia> {
    const body: MediaVerifyRequest = { objectKey };
    return this.#call(VerifiedMedia, "POST", `${conv(conversationId)}/media/verify`, body);
  }

  /** A fresh signed download URL for one object of the conversation (members only). */
  mediaDownloadTicket(
    conversationId: ConversationId,
    objectKey: string,
  ): Promise<MediaDownloadTicket> {
    const path = `${conv(conversationId)}/media/${encodeURIComponent(objectKey)}`;
    // As JSON: the route's default answer is a redirect, for <img src> behind a cookie-less proxy.
    return this.#call(MediaDownloadTicket, "GET", path, undefined, { accept: "application/json" });
  }

  async #call<T = undefined>(
    schema: Schema<T> | undefined,
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const token = await this.#getToken();
    const headers: Record<string, string> = { ...extraHeaders, authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetchOrThrow(this.#fetch, this.baseUrl + path, init);
    return readResponse(response, schema);
  }
}

/** Asks a local dev edge for a token (POST /dev/tokens); real deployments use an identity provider. */
export async function fetchDevToken(
  baseUrl: string,
  userId: UserId,
  fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init),
): Promise<string> {
  const response = await fetchOrThrow(fetchImpl, `${baseUrl.replace(/\/+$/, "")}/dev/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  const body = await readJson(response);
  if (!response.ok) throw errorFromResponse(response.status, body, response.headers);
  const token = (body as { token?: unknown } | undefined)?.token;
  if (typeof token !== "string" || token.length === 0) {
    throw new ChatError("internal", "the dev token endpoint returned no token");
  }
  return token;
}

function conv(conversationId: ConversationId): string {
  return `/v1/conversations/${encodeURIComponent(conversationId)}`;
}

async function fetchOrThrow(fetchImpl: FetchLike, url: string, init: RequestInit) {
  try {
    return await fetchImpl(url, init);
  } catch (cause) {
    // The network itself failed (offline, DNS, reset): worth retrying later.
    throw new ChatError("unavailable", "the chat server cannot be reached", { cause });
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readResponse<T>(response: Response, schema: Schema<T> | undefined): Promise<T> {
  const body = await readJson(response);
  if (!response.ok) throw errorFromResponse(response.status, body, response.headers);
  // Only calls whose reply carries nothing pass no schema; their T is undefined.
  if (schema === undefined) return undefined as T;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ChatError("internal", "the server's response does not match the protocol", {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** The server's own error when it sent one, otherwise the closest code for the status. */
export function errorFromResponse(status: number, body: unknown, headers?: Headers): ChatError {
  const parsed = ErrorResponse.safeParse(body);
  if (parsed.success) {
    const { code, message, retryAfterMs } = parsed.data.error;
    return new ChatError(code, message, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  const code =
    (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c].status === status) ??
    (status >= 500 ? "internal" : "invalid_request");
  const retryAfter = Number(headers?.get("retry-after"));
  return new ChatError(
    code,
    `HTTP ${status}`,
    Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {},
  );
}

/**
 * Pure: the settings with one conversation muted until `until`, muted for good (null), or unmuted
 * (undefined); everything else is kept.
 */
export function withMute(
  settings: NotificationSettings,
  conversationId: ConversationId,
  until: number | null | undefined,
): NotificationSettings {
  const muted = { ...settings.muted };
  if (until === undefined) delete muted[conversationId];
  else muted[conversationId] = until === null ? {} : { until };
  return { ...settings, muted };
}
