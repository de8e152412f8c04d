// Group administration rules: who may rename, describe, change roles and restrict sending, and
// which system event each change records. Pure. Non-members never get here (access() refuses them
// with not_found first); members who are not admins get `forbidden`.
import {
  ChatError,
  type Member,
  type MemberRole,
  type SystemEvent,
  type UpdateGroupRequest,
  type UserId,
} from "@edge-chat/protocol";
import type { ConversationMeta } from "./membership.ts";

export interface GroupSettings {
  description: string | undefined;
  adminsOnly: boolean;
}

export const DEFAULT_SETTINGS: GroupSettings = { description: undefined, adminsOnly: false };

function requireAdmin(meta: ConversationMeta, me: Member): void {
  if (meta.kind !== "group") throw new ChatError("forbidden", "direct conversations are fixed");
  if (me.role !== "admin") throw new ChatError("forbidden", "only admins administer a group");
}

/** The new metadata and settings, and one system event per field that actually changes. */
export function planUpdate(
  meta: ConversationMeta,
  settings: GroupSettings,
  me: Member,
  request: UpdateGroupRequest,
): { meta: ConversationMeta; settings: GroupSettings; events: SystemEvent[] } {
  requireAdmin(meta, me);
  const events: SystemEvent[] = [];
  const next = { meta: { ...meta }, settings: { ...settings } };
  if (request.name !== undefined && request.name !== meta.name) {
    next.meta.name = request.name;
    events.push({ event: "renamed", by: me.userId, name: request.name });
  }
  if (request.description !== undefined && request.description !== settings.description) {
    next.settings.description = request.description;
    events.push({ event: "description_set", by: me.userId, description: request.description });
  }
  if (request.adminsOnly !== undefined && request.adminsOnly !== settings.adminsOnly) {
    next.settings.adminsOnly = request.adminsOnly;
    events.push({ event: "send_policy_set", by: me.userId, adminsOnly: request.adminsOnly });
  }
  if (events.length === 0) throw new ChatError("conflict", "nothing changes");
  return { ...next, events };
}

/** Promote or demote; a group always keeps at least one admin. */
export function planRole(
  meta: ConversationMeta,
  members: readonly Member[],
  me: Member,
  userId: UserId,
  role: MemberRole,
): { member: Member; event: SystemEvent } {
  requireAdmin(meta, me);
  const target = members.find((m) => m.userId === userId);
  if (!target) throw new ChatError("not_found", "no such member");
  if (target.role === role) throw new ChatError("conflict", `already ${role}`);
  if (role === "member" && members.filter((m) => m.role === "admin").length === 1) {
    throw new ChatError("conflict", "a group keeps at least one admin");
  }
  return {
    member: { ...target, role },
    event: { event: "role_changed", by: me.userId, userId, role },
  };
}

/** In an announcement group only admins send. */
export function checkSendPolicy(meta: ConversationMeta, settings: GroupSettings, me: Member): void {
  if (meta.kind === "group" && settings.adminsOnly && me.role !== "admin") {
    throw new ChatError("forbidden", "only admins send in this group");
  }
}

/**
 * A block in a direct chat (by either member) stops both from sending or changing messages until
 * it is lifted: the blocked cannot continue the chat, the blocker must unblock to write again.
 */
export function checkNotBlocked(meta: ConversationMeta, blockedBy: readonly UserId[]): void {
  if (meta.kind === "direct" && blockedBy.length > 0) {
    throw new ChatError("blocked", "this chat is blocked");
  }
}

/** Blocking is a direct-chat action; returns the new list of members who block. */
export function planBlock(
  meta: ConversationMeta,
  blockedBy: readonly UserId[],
  me: Member,
  block: boolean,
): UserId[] {
  if (meta.kind !== "direct")
    throw new ChatError("invalid_request", "only direct chats are blocked");
  const others = blockedBy.filter((u) => u !== me.userId);
  return block ? [...others, me.userId] : others;
}
