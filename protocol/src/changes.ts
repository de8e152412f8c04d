// Changes to an existing message (edit, delete for everyone, reaction). Each change is itself a
// message with its own seq in the conversation's one ordered stream, so sync and history carry it
// gaplessly like any message; every reader folds it into the message it targets (see fold.ts).
import { z } from "zod";
import { Seq, Timestamp, UserId } from "./ids.ts";
import { LIMITS } from "./limits.ts";

/** One emoji (a short run of non-space characters: flags and skin tones are several code points). */
export const Emoji = z.string().min(1).max(32).regex(/^\S+$/u, "an emoji");
export type Emoji = z.infer<typeof Emoji>;

/**
 * The new text of a text message. `text` is absent once the target was deleted: a tombstone
 * scrubs the content of every row that held it, edits included.
 */
export const EditContent = z.object({
  kind: z.literal("edit"),
  targetSeq: Seq,
  text: z.string().min(1).max(LIMITS.maxTextChars).optional(),
});

/**
 * Delete for everyone. `moderation` when an admin deleted someone else's message. `scrub` lists
 * the seqs of the other rows that held the target's content (its edits, the quotes of replies),
 * so every store can remove that content too without a search.
 */
export const DeleteContent = z.object({
  kind: z.literal("delete"),
  targetSeq: Seq,
  moderation: z.boolean(),
  scrub: z.array(Seq).max(LIMITS.maxScrubSeqs).default([]),
});

/**
 * A member's one reaction to a message: set (`emoji`) or removed (null). `previous` is the
 * member's reaction before this one, filled in by the server, so readers update the counts in O(1)
 * without knowing who reacted with what.
 */
export const ReactionContent = z.object({
  kind: z.literal("reaction"),
  targetSeq: Seq,
  emoji: Emoji.nullable(),
  previous: Emoji.nullable(),
});

/** What a deleted message holds: nothing but the fact. */
export const DeletedContent = z.object({ kind: z.literal("deleted") });

/** The change kinds, for readers that treat them apart from displayable messages. */
export const CHANGE_KINDS = ["edit", "delete", "reaction"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One emoji's aggregate on a message; who reacted is a separate query (it grows with the group). */
export const ReactionCount = z.object({ emoji: Emoji, count: z.number().int().min(1) });
export type ReactionCount = z.infer<typeof ReactionCount>;

/** What a reply shows of the message it answers, as of when it was read. */
export const Quote = z.object({
  senderId: UserId,
  /** The original's content kind ("deleted" once it is gone). */
  kind: z.string().min(1).max(16),
  /** The start of the original's text or caption; absent for media without caption or deleted. */
  excerpt: z.string().max(LIMITS.maxQuoteChars).optional(),
  deleted: z.boolean(),
});
export type Quote = z.infer<typeof Quote>;

/**
 * The folded state a stored message carries, all optional so old messages stay valid:
 * `editSeq`/`reactionsSeq` are the seqs of the newest change folded in, which makes folding
 * idempotent (a change at or below them is already in).
 */
export const MessageState = {
  editedAt: Timestamp.optional(),
  editSeq: Seq.optional(),
  deletedAt: Timestamp.optional(),
  deletedBy: UserId.optional(),
  reactions: z.array(ReactionCount).optional(),
  reactionsSeq: Seq.optional(),
  quote: Quote.optional(),
  /** Members named with @userId in the text, resolved when sent (push overrides mute for them). */
  mentions: z.array(UserId).max(LIMITS.maxMentions).optional(),
};
