// Fills in what a new member message carries about others: the quote of the message it replies to
// (and the reply's place in the quote index, so a later delete scrubs it) and its mentions. Runs
// inside the send transaction, before the message is stored; O(1) unless the text has an "@".
import type { Message } from "@edge-chat/protocol";
import { mentionsIn, quoteFor } from "./domain/replies.ts";
import type { ConversationStore } from "./store.ts";

export function enrichMessage(store: ConversationStore, message: Message): void {
  if (message.content.kind === "system") return;
  if (message.replyToSeq !== undefined) {
    const quote = quoteFor(store.changes.message(message.replyToSeq));
    if (quote) {
      message.quote = quote;
      if (!quote.deleted) store.changes.addReply(message.replyToSeq, message.seq);
    }
  }
  const mentions = mentionsIn(message, () => store.members());
  if (mentions) {
    message.mentions = mentions;
    store.changes.mentions.record(mentions, message.seq);
  }
}
