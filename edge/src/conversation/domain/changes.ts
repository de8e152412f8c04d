// Who may change which message, and when: the rules for edit, delete for everyone and reactions.
// Pure: the caller passes the target as the window holds it (undefined once trimmed) and the time.
// Each refusal is its own code, so a client can say why (not yours, too late, not an admin, gone).
import { ChatError, type Member, type Message, isChange, isDeleted } from "@edge-chat/protocol";

export interface ChangePolicy {
  /** How long after sending its sender may edit a text message. */
  editWindowMs: number;
  /** How long after sending its sender may delete a message for everyone (admins: always). */
  deleteWindowMs: number;
}

/** What a target must be for any change: an existing, displayable, not deleted message. */
function requireTarget(
  target: Message | undefined,
  targetSeq: number,
  lastSeq: number,
  deleted: boolean,
): void {
  if (targetSeq > lastSeq) throw new ChatError("not_found", "no such message");
  if (deleted || (target && isDeleted(target))) {
    throw new ChatError("message_deleted", "the message was deleted");
  }
  if (target && (isChange(target) || target.content.kind === "system")) {
    throw new ChatError("invalid_request", "only members' messages can be changed");
  }
}

export interface TargetView {
  /** The target as the window holds it; undefined when it is older than the window. */
  target: Message | undefined;
  targetSeq: number;
  lastSeq: number;
  /** Whether the target is known to be deleted (the window or the tombstone list says so). */
  deleted: boolean;
}

export function checkEdit(
  view: TargetView,
  actor: Member,
  now: number,
  policy: ChangePolicy,
): void {
  requireTarget(view.target, view.targetSeq, view.lastSeq, view.deleted);
  const target = view.target;
  // Older than the window means older than any edit window worth having: refuse without guessing.
  if (!target) throw new ChatError("window_expired", "the message is too old to edit");
  if (target.senderId !== actor.userId) {
    throw new ChatError("not_sender", "only the sender can edit a message");
  }
  if (target.content.kind !== "text") {
    throw new ChatError("invalid_request", "only text messages can be edited");
  }
  if (now - target.serverTs > policy.editWindowMs) {
    throw new ChatError("window_expired", "the time to edit this message is over");
  }
}

/**
 * Delete for everyone: the sender within the window, or an admin at any time (moderation).
 * Returns whether it is a moderation delete (an admin deleting someone else's or an unknown one).
 */
export function checkDelete(
  view: TargetView,
  actor: Member,
  now: number,
  policy: ChangePolicy,
): { moderation: boolean } {
  requireTarget(view.target, view.targetSeq, view.lastSeq, view.deleted);
  const target = view.target;
  const own = target !== undefined && target.senderId === actor.userId;
  if (own && now - target.serverTs <= policy.deleteWindowMs) return { moderation: false };
  if (actor.role === "admin") return { moderation: !own };
  if (!target) throw new ChatError("window_expired", "the message is too old to delete");
  if (!own) throw new ChatError("forbidden", "only the sender or an admin can delete a message");
  throw new ChatError("window_expired", "the time to delete this message is over");
}

/** A reaction needs a live target; an unchanged reaction is refused so no empty event is made. */
export function checkReaction(
  view: TargetView,
  emoji: string | null,
  previous: string | null,
): void {
  requireTarget(view.target, view.targetSeq, view.lastSeq, view.deleted);
  if (emoji === previous) throw new ChatError("conflict", "the reaction is already so");
}
