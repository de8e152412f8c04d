// Applies one decoded RegionEvent to the repositories, idempotently: message rows are keyed by
// (conversation, bucket, seq); list rows and receipts go through the pure merges in merge.ts. The
// persister calls this strictly in order per conversation, so read-then-write never races itself.
import type { RegionEvent } from "@edge-chat/protocol";
import type { Repositories, UserConversationRow } from "../repositories/ports.ts";
import { applyMessageEffects } from "./changes.ts";
import { advanceListRow, advanceReadSeq, mergeReceipt, planMembership } from "./merge.ts";

export async function applyEvent(repos: Repositories, event: RegionEvent): Promise<void> {
  switch (event.type) {
    case "message":
      return applyMessage(repos, event.message);
    case "receipt":
      return applyReceipt(repos, event);
    case "membership":
      return applyMembership(repos, event);
  }
}

type MessageOf = Extract<RegionEvent, { type: "message" }>["message"];

async function applyMessage(repos: Repositories, message: MessageOf): Promise<void> {
  // The message row first: if we crash before the list rows, the replay redoes both.
  await repos.messages.insert(message);
  await applyMessageEffects(repos, message);
  const members = await repos.members.list(message.conversationId);
  await Promise.all(
    members.map(async ({ userId }) => {
      const stored = await repos.userConversations.get(userId, message.conversationId);
      const next = advanceListRow(stored, {
        userId,
        conversationId: message.conversationId,
        seq: message.seq,
        at: message.serverTs,
        senderId: message.senderId,
      });
      if (next) await writeListRow(repos, stored, next, message.serverTs);
    }),
  );
}

/** Writes only the list-row cells that moved, each versioned by its own event time. */
async function writeListRow(
  repos: Repositories,
  stored: UserConversationRow | null,
  next: UserConversationRow,
  at: number,
): Promise<void> {
  if (!stored || next.lastMessageSeq !== stored.lastMessageSeq) {
    await repos.userConversations.recordMessage(next);
  }
  if (stored && next.lastReadSeq !== stored.lastReadSeq) {
    await repos.userConversations.recordRead({ ...next, at });
  }
}

async function applyReceipt(
  repos: Repositories,
  event: Extract<RegionEvent, { type: "receipt" }>,
): Promise<void> {
  const stored = await repos.receipts.get(event.conversationId, event.userId);
  const next = mergeReceipt(stored, event);
  if (next) await repos.receipts.put(next);
  const row = await repos.userConversations.get(event.userId, event.conversationId);
  const listRow = advanceReadSeq(row, event.readUpTo);
  if (listRow) await repos.userConversations.recordRead({ ...listRow, at: event.at });
}

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
  // The system message recording this change may already be stored: new members' list rows start
  // at it, so the conversation shows up in their list at the right place.
  const marker =
    event.asOfSeq > 0 ? await repos.messages.get(event.conversationId, event.asOfSeq) : null;
  await Promise.all(
    plan.upsert.map(async (member) => {
      await repos.members.put(event.conversationId, member, event.asOfSeq);
      const row = await repos.userConversations.get(member.userId, event.conversationId);
      if (!row || row.kind === undefined) {
        await repos.userConversations.join({
          userId: member.userId,
          conversationId: event.conversationId,
          kind: event.kind,
          joinedAt: member.joinedAt,
        });
      }
      const next = advanceListRow(row, {
        userId: member.userId,
        conversationId: event.conversationId,
        seq: event.asOfSeq,
        at: marker?.serverTs ?? Math.max(event.createdAt, member.joinedAt),
      });
      if (next) await writeListRow(repos, row, next, next.lastMessageAt);
    }),
  );
  await Promise.all(
    plan.remove.map(async (userId) => {
      await repos.members.remove(event.conversationId, userId, event.asOfSeq);
      await repos.userConversations.remove(userId, event.conversationId);
    }),
  );
  // Metadata last: its asOfSeq is the "applied" marker, so a crash before it replays the snapshot.
  await repos.conversations.put(plan.conversation);
}
