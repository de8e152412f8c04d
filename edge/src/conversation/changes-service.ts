// Message changes as use cases: edit, delete for everyone, react, delete for me, and the reads that
// go with them (the sender's edit history, who reacted). A change is appended as its own message by
// journal.ts (next seq, window, region outbox: the region and every reader fold it in order) and,
// in the same transaction, folded into the window's rows, so sync and history return the latest
// state.
import {
  type ChangeMessage,
  type ConversationId,
  ChatError,
  type EditHistory,
  foldChange,
  type Member,
  type Message,
  type ReactionList,
  type SendAck,
  type Seq,
  type UserId,
} from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import type { ChangesStore } from "./changes-store.ts";
import {
  type ChangePolicy,
  checkDelete,
  checkEdit,
  checkReaction,
  type TargetView,
} from "./domain/changes.ts";
import { checkNotBlocked } from "./domain/group-admin.ts";
import type { Bucket } from "./domain/token-bucket.ts";
import type { Clock } from "./journal.ts";
import type { ConversationService } from "./service.ts";
import type { ConversationStore } from "./store.ts";

export interface ChangeResult {
  ack: SendAck;
  /** The change as appended; null for a resend (the original ack is returned). */
  message: Message | null;
  connectionBucket?: Bucket | undefined;
}

type Connection = { bucket: Bucket | undefined } | undefined;

export class MessageChanges {
  private readonly service: ConversationService;
  private readonly store: ConversationStore;
  private readonly changes: ChangesStore;
  private readonly transaction: <T>(fn: () => T) => T;
  private readonly policy: ChangePolicy;
  private readonly clock: Clock;

  constructor(deps: {
    service: ConversationService;
    store: ConversationStore;
    transaction: <T>(fn: () => T) => T;
    config: Config;
    clock: Clock;
  }) {
    this.service = deps.service;
    this.store = deps.store;
    this.changes = deps.store.changes;
    this.transaction = deps.transaction;
    this.policy = deps.config.changes;
    this.clock = deps.clock;
  }

  private view(targetSeq: Seq): TargetView {
    return {
      target: this.changes.message(targetSeq),
      targetSeq,
      lastSeq: this.store.lastSeq(),
      deleted: this.changes.isDeleted(targetSeq),
    };
  }

  /**
   * The common path of every change: membership, the resend short-cut, the rule (`decide`), the
   * rate limit, then one transaction appending the change and folding it (`apply` adds the
   * change's own bookkeeping).
   */
  private change(
    conversationId: ConversationId,
    userId: UserId,
    clientMsgId: string,
    connection: Connection,
    decide: (view: { me: Member }) => ChangeMessage["content"],
    apply: (change: ChangeMessage) => void,
  ): ChangeResult {
    const { meta, me } = this.service.access(conversationId, userId);
    checkNotBlocked(meta, this.store.group.blockedBy());
    const original = this.store.findSend(userId, clientMsgId);
    if (original) return { ack: original, message: null };
    const content = decide({ me });
    const connectionBucket = this.service.rateLimit(userId, connection);
    const message = this.transaction(() => {
      const change = this.service.journal.appendChange(
        conversationId,
        userId,
        clientMsgId,
        content,
      );
      apply(change);
      this.fold(change);
      return change;
    });
    const ack = {
      clientMsgId,
      seq: message.seq,
      messageId: message.messageId,
      serverTs: message.serverTs,
    };
    return { ack, message, connectionBucket };
  }

  /** Folds the change into the window rows it touches: its target and, for a delete, the scrubbed. */
  private fold(change: ChangeMessage): void {
    const seqs = [change.content.targetSeq];
    if (change.content.kind === "delete") seqs.push(...change.content.scrub);
    for (const seq of seqs) {
      const row = this.changes.message(seq);
      if (!row) continue;
      const next = foldChange(row, change);
      if (next !== row) this.changes.replaceMessage(next);
    }
  }

  edit(
    conversationId: ConversationId,
    userId: UserId,
    targetSeq: Seq,
    request: { clientMsgId: string; text: string },
    connection?: Connection,
  ): ChangeResult {
    let original: { text: string; at: number } | undefined;
    return this.change(
      conversationId,
      userId,
      request.clientMsgId,
      connection,
      ({ me }) => {
        const view = this.view(targetSeq);
        checkEdit(view, me, this.clock.now(), this.policy);
        const target = view.target!;
        if (target.content.kind === "text" && target.editSeq === undefined) {
          original = { text: target.content.text, at: target.serverTs };
        }
        return { kind: "edit", targetSeq, text: request.text };
      },
      (change) => {
        // The first edit keeps the original too, so the sender's history is complete.
        if (original) this.changes.addVersion(targetSeq, targetSeq, original.text, original.at);
        this.changes.addVersion(targetSeq, change.seq, request.text, change.serverTs);
      },
    );
  }

  deleteForEveryone(
    conversationId: ConversationId,
    userId: UserId,
    targetSeq: Seq,
    clientMsgId: string,
    connection?: Connection,
  ): ChangeResult {
    return this.change(
      conversationId,
      userId,
      clientMsgId,
      connection,
      ({ me }) => {
        const { moderation } = checkDelete(this.view(targetSeq), me, this.clock.now(), this.policy);
        // The delete names every row holding the content, so each store scrubs without a search.
        const scrub = this.changes.contentHolders(targetSeq);
        return { kind: "delete", targetSeq, moderation, scrub };
      },
      () => this.changes.markDeleted(targetSeq),
    );
  }

  react(
    conversationId: ConversationId,
    userId: UserId,
    targetSeq: Seq,
    request: { clientMsgId: string; emoji: string | null },
    connection?: Connection,
  ): ChangeResult {
    return this.change(
      conversationId,
      userId,
      request.clientMsgId,
      connection,
      () => {
        const previous = this.changes.reactionOf(targetSeq, userId);
        checkReaction(this.view(targetSeq), request.emoji, previous);
        return { kind: "reaction", targetSeq, emoji: request.emoji, previous };
      },
      (change) => this.changes.setReaction(targetSeq, userId, request.emoji, change.serverTs),
    );
  }

  /** Delete for me: the seqs newly hidden (for the member's other devices). */
  hide(conversationId: ConversationId, userId: UserId, seqs: Seq[]): Seq[] {
    this.service.access(conversationId, userId);
    const lastSeq = this.store.lastSeq();
    if (seqs.some((s) => s > lastSeq)) throw new ChatError("not_found", "no such message");
    return this.transaction(() => this.changes.hide(userId, seqs));
  }

  hidden(conversationId: ConversationId, userId: UserId): Seq[] {
    this.service.access(conversationId, userId);
    return this.changes.hidden(userId);
  }

  /** The sender's own versions of a message; others get not_sender (the history is private). */
  editHistory(conversationId: ConversationId, userId: UserId, seq: Seq): EditHistory {
    this.service.access(conversationId, userId);
    // Only the window knows whose a message is; an older one's history is not served.
    const target = this.changes.message(seq);
    if (target?.content.kind !== "text") {
      throw new ChatError("not_found", "no such message");
    }
    if (target.senderId !== userId) {
      throw new ChatError("not_sender", "only the sender sees the edit history");
    }
    const versions = this.changes.versions(seq);
    if (versions.length === 0)
      return { seq, versions: [{ text: target.content.text, at: target.serverTs }] };
    return {
      seq,
      versions: versions.map((v) =>
        v.versionSeq === seq
          ? { text: v.text, at: v.at }
          : { text: v.text, at: v.at, editSeq: v.versionSeq },
      ),
    };
  }

  reactionList(conversationId: ConversationId, userId: UserId, seq: Seq): ReactionList {
    this.service.access(conversationId, userId);
    if (seq > this.store.lastSeq()) throw new ChatError("not_found", "no such message");
    return { seq, reactions: this.changes.reactions(seq) };
  }
}
