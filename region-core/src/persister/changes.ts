// Applies a message's effect on other messages, after the message row itself is stored: a change
// (edit, delete, reaction) is folded into its target's change tables, and a media message marks its
// objects as referenced (a reply's quote and a message's mentions are annotated by apply.ts, before
// the row). One function per event type; each is idempotent and order-proof through the
// repository's write versions (see @edge-chat/cql's 0009).
import { type ChangeMessage, isChange, type Message } from "@edge-chat/protocol";
import { deleteReferenced, markReferenced, type ReferenceStore } from "../media/references.ts";
import type { Repositories } from "../repositories/ports.ts";

/**
 * A message's effects beyond its own row: a change (edit, delete, reaction) is folded into what it
 * changes; a media message marks the objects it names as referenced (the upload sweeper keeps them).
 */
export async function applyMessageEffects(
  repos: Repositories,
  message: Message,
  media?: ReferenceStore,
): Promise<void> {
  if (isChange(message)) return applyChange(repos, message, media);
  const keys = media ? mediaKeysOf(message) : [];
  if (media && keys.length > 0) await markReferenced(media, keys);
}

async function applyChange(
  repos: Repositories,
  change: ChangeMessage,
  media: ReferenceStore | undefined,
): Promise<void> {
  switch (change.content.kind) {
    case "edit":
      return applyEdit(repos, change, change.content);
    case "delete":
      return applyDelete(repos, change, change.content, media);
    case "reaction":
      return applyReaction(repos, change, change.content);
  }
}

type ContentOf<K extends ChangeMessage["content"]["kind"]> = Extract<
  ChangeMessage["content"],
  { kind: K }
>;

async function applyEdit(repos: Repositories, change: Message, edit: ContentOf<"edit">) {
  // An edit whose text was already scrubbed (its target is deleted) has nothing to apply.
  if (edit.text === undefined) return;
  await repos.messageChanges.edit(change.conversationId, edit.targetSeq, {
    text: edit.text,
    editSeq: change.seq,
    editedAt: change.serverTs,
  });
}

/** The object keys a stored message references (the media, its thumbnail and poster). */
export function mediaKeysOf(message: Message | null | undefined): string[] {
  const content = message?.content;
  if (!content || !("media" in content)) return [];
  const { objectKey, thumbnailKey, posterKey } = content.media;
  return [objectKey, thumbnailKey, posterKey].filter((k): k is string => k !== undefined);
}

async function applyDelete(
  repos: Repositories,
  change: Message,
  del: ContentOf<"delete">,
  media: ReferenceStore | undefined,
) {
  // The scrub list names rows by seq; which are edits and which replies is read from them.
  const rows = await Promise.all(
    del.scrub.map((seq) => repos.messages.get(change.conversationId, seq)),
  );
  const target = await repos.messages.get(change.conversationId, del.targetSeq);
  // The objects go before the tombstone: while the row still names them a failed delete is
  // retried with the step; once tombstoned, a replay finds no keys (S3 deletes are idempotent).
  if (media) await deleteReferenced(media, mediaKeysOf(target));
  await repos.messageChanges.delete(
    change.conversationId,
    // The target's sender names the deleted quote; an unknown target (older than storage) falls
    // back to whoever deleted it.
    { seq: del.targetSeq, senderId: target?.senderId ?? change.senderId },
    { deletedAt: change.serverTs, deletedBy: change.senderId },
    {
      edits: rows.flatMap((r) => (r?.content.kind === "edit" ? [r.seq] : [])),
      replies: rows.flatMap((r) => (r && r.content.kind !== "edit" ? [r.seq] : [])),
    },
  );
}

async function applyReaction(
  repos: Repositories,
  change: Message,
  reaction: ContentOf<"reaction">,
) {
  await repos.messageChanges.react(change.conversationId, reaction.targetSeq, {
    userId: change.senderId,
    emoji: reaction.emoji,
    reactionSeq: change.seq,
  });
}
