// Applies one coalesced step of a conversation's events to the repositories, idempotently and, for
// messages and receipts, without reading first: message rows are keyed by (conversation, bucket,
// seq), and the state partition's cells are versioned by the ConversationDO's event time. The
// persister runs one conversation's steps strictly in order.
import { isChange, type RegionEvent } from "@edge-chat/protocol";
import type { Repositories } from "../repositories/ports.ts";
import type { ReferenceStore } from "../media/references.ts";
import { applyMessageEffects } from "./changes.ts";
import type { Step } from "./coalesce.ts";
import { planMembership } from "./merge.ts";

export async function applyStep<R>(
  repos: Repositories,
  step: Step<R>,
  media?: ReferenceStore,
): Promise<void> {
  if (step.kind === "membership") return applyMembership(repos, step.event);
  // A reply's quote and a message's mentions are part of the message as the edge sequenced it, but
  // live beside its row (so a delete's scrub can overwrite the quote): write them before the rows,
  // so history never serves a row without them. Order-proof: a scrub's FINAL write wins anyway.
  await Promise.all(
    step.messages.map((m) =>
      !isChange(m) && (m.quote || m.mentions) ? repos.messageChanges.annotate(m) : undefined,
    ),
  );
  // Both writes in parallel: the records are committed only once both succeeded, so a failure of
  // either replays the whole step (the head can run ahead of the rows only until that replay).
  await Promise.all([
    step.messages.length > 0 ? repos.messages.insertMany(step.messages) : undefined,
    repos.receipts.record(step.conversationId, step.state),
  ]);
  // Edits, deletions and reactions: one write per change, never per
  // member, and order-proof through their write versions (changes.ts), so in sequence is enough.
  for (const message of step.messages) await applyMessageEffects(repos, message, media);
}

/**
 * A membership snapshot (rare, not the message path): reads what it replaces, then writes the
 * members, their list rows, and their rows in the state partition.
 */
async function applyMembership(
  repos: Repositories,
  event: Extract<RegionEvent, { type: "membership" }>,
): Promise<void> {
  const [stored, storedMembers] = await Promise.all([
    repos.conversations.get(event.conversationId),
    repos.members.list(event.conversationId),
  ]);
  const plan = planMembership(stored, storedMembers, event);
  if (!plan) return;
  await Promise.all([
    ...plan.upsert.map(async (member) => {
      await repos.members.put(event.conversationId, member, event.asOfSeq);
      await repos.userConversations.join({
        userId: member.userId,
        conversationId: event.conversationId,
        kind: event.kind,
        joinedAt: member.joinedAt,
      });
    }),
    repos.receipts.record(event.conversationId, {
      joined: plan.upsert.map((member) => member.userId),
    }),
  ]);
  await Promise.all(
    plan.remove.map(async (userId) => {
      await repos.members.remove(event.conversationId, userId, event.asOfSeq);
      await repos.userConversations.remove(userId, event.conversationId);
    }),
  );
  // Metadata last: its asOfSeq is the "applied" marker, so a crash before it replays the snapshot.
  await repos.conversations.put(plan.conversation);
}
