// Group administration as use cases: each change updates the metadata or members, records its
// system message(s) in the conversation's order and the membership snapshot for the region, in one
// transaction, like membership changes in service.ts.
import type {
  Conversation,
  ConversationId,
  Message,
  MemberRole,
  UpdateGroupRequest,
  UserId,
} from "@edge-chat/protocol";
import { planBlock, planRole, planUpdate } from "./domain/group-admin.ts";
import type { ConversationService } from "./service.ts";
import type { ConversationStore } from "./store.ts";

export class GroupAdmin {
  private readonly service: ConversationService;
  private readonly store: ConversationStore;
  private readonly transaction: <T>(fn: () => T) => T;

  constructor(deps: {
    service: ConversationService;
    store: ConversationStore;
    transaction: <T>(fn: () => T) => T;
  }) {
    this.service = deps.service;
    this.store = deps.store;
    this.transaction = deps.transaction;
  }

  /** The conversation with its group settings. */
  describe(conversationId: ConversationId, userId: UserId): Conversation {
    const conversation = this.service.conversation(conversationId, userId);
    if (conversation.kind !== "group") return conversation;
    const settings = this.store.group.settings();
    if (settings.description !== undefined) conversation.description = settings.description;
    if (settings.adminsOnly) conversation.adminsOnly = true;
    return conversation;
  }

  update(
    conversationId: ConversationId,
    actor: UserId,
    request: UpdateGroupRequest,
  ): { conversation: Conversation; messages: Message[] } {
    const { meta, me } = this.service.access(conversationId, actor);
    const plan = planUpdate(meta, this.store.group.settings(), me, request);
    const messages = this.transaction(() => {
      this.store.setMeta(plan.meta);
      this.store.group.setSettings(plan.settings);
      const messages = plan.events.map((system) =>
        this.service.journal.appendMessage(actor, undefined, { kind: "system", system }),
      );
      this.service.recordMembership(plan.meta, [], messages.at(-1)!.seq);
      return messages;
    });
    return { conversation: this.describe(conversationId, actor), messages };
  }

  setRole(
    conversationId: ConversationId,
    actor: UserId,
    userId: UserId,
    role: MemberRole,
  ): { conversation: Conversation; message: Message } {
    const { meta, me } = this.service.access(conversationId, actor);
    const plan = planRole(meta, this.store.members(), me, userId, role);
    const message = this.transaction(() => {
      this.store.group.setRole(userId, role);
      const message = this.service.journal.appendMessage(actor, undefined, {
        kind: "system",
        system: plan.event,
      });
      this.service.recordMembership(meta, [], message.seq);
      return message;
    });
    return { conversation: this.describe(conversationId, actor), message };
  }

  /** Blocks (or unblocks) a direct chat for both members; no message, no seq. */
  setBlocked(conversationId: ConversationId, actor: UserId, block: boolean): void {
    const { meta, me } = this.service.access(conversationId, actor);
    this.store.group.setBlockedBy(planBlock(meta, this.store.group.blockedBy(), me, block));
  }
}
