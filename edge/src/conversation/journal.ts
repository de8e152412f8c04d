// The conversation's journal: the one place where a seq is assigned. Messages, system messages and
// changes (edit, delete, reaction) are all appended here, inside the caller's transaction: next
// seq, window row (with its (sender, clientMsgId) key, which answers resends), region-outbox event,
// window trim and the inbox notice. Keeping them together keeps the seq gapless and the region
// outbox in seq order, whatever use case appends.
import type { ChangeMessage, ConversationId, Message, UserId } from "@edge-chat/protocol";
import type { Config } from "../config.ts";
import { enrichMessage } from "./replies-service.ts";
import type { ConversationStore } from "./store.ts";

export interface Clock {
  now(): number;
  uuid(): string;
}

export class Journal {
  private readonly store: ConversationStore;
  private readonly config: Config;
  private readonly clock: Clock;
  /** Tells the inbox notifier that some member's inbox view changed (it coalesces per tick). */
  private readonly inboxChanged: () => void;

  constructor(store: ConversationStore, config: Config, clock: Clock, inboxChanged: () => void) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.inboxChanged = inboxChanged;
  }

  /**
   * Assigns the next seq and writes message + region outbox event; call inside a transaction. O(1)
   * in the group's size: the members' inboxes only learn that the conversation changed (see
   * inbox-notifier.ts), and the message is serialized once for storage, region outbox and frame.
   */
  appendMessage(
    senderId: UserId,
    clientMsgId: string | undefined,
    content: Message["content"],
    replyToSeq?: number,
    serialized?: (body: string) => void,
  ): Message {
    const meta = this.store.meta()!;
    const seq = this.store.lastSeq() + 1;
    const message: Message = {
      conversationId: meta.conversationId,
      seq,
      messageId: this.clock.uuid(),
      // System messages get a server-made idempotency key that no client can collide with.
      clientMsgId: clientMsgId ?? `sys-${seq}`,
      senderId,
      content,
      serverTs: this.clock.now(),
    };
    if (replyToSeq !== undefined) message.replyToSeq = replyToSeq;
    enrichMessage(this.store, message);
    const body = this.write(message, true);
    serialized?.(body);
    this.inboxChanged();
    return message;
  }

  /**
   * Next seq, window row and region outbox event for a change; call inside a transaction. No inbox
   * notice and no "own newest message" mark: a change is not a new message in anyone's list.
   */
  appendChange(
    conversationId: ConversationId,
    senderId: UserId,
    clientMsgId: string,
    content: ChangeMessage["content"],
  ): ChangeMessage {
    const seq = this.store.lastSeq() + 1;
    const message: ChangeMessage = {
      conversationId,
      seq,
      messageId: this.clock.uuid(),
      clientMsgId,
      senderId,
      content,
      serverTs: this.clock.now(),
    };
    this.write(message, false);
    return message;
  }

  /**
   * The writes every append makes, in this order: window row (and its resend key), the new last
   * seq, the sender's newest own message (new messages only: unread counts derive from it), the
   * region-outbox event, the window trim. Returns the message's JSON.
   */
  private write(message: Message, ownMessage: boolean): string {
    const body = this.store.insertMessage(message);
    this.store.setLastSeq(message.seq);
    if (ownMessage) this.store.setLastSent(message.senderId, message.seq);
    // The event's text is made from the stored body: the same bytes JSON.stringify(event) makes.
    this.store.appendRegionOutbox(
      { type: "message", message },
      this.clock.now(),
      messageFrameText(body),
    );
    this.store.trim(this.config.windowSize);
    return body;
  }
}

/** The live `message` frame for a stored message body (the same text encodeFrame would make). */
export function messageFrameText(body: string): string {
  return `{"type":"message","message":${body}}`;
}
