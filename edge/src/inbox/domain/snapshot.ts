// What a ConversationDO tells a member's InboxDO after a change: the member's view of the
// conversation (newest message, read watermark, membership) as one InboxUpdate. Pure.
import {
  INBOX_PREVIEW_CHARS,
  type InboxUpdate,
  type Message,
  readPosition,
  type UserId,
} from "@edge-chat/protocol";

export interface ConversationView {
  conversationId: InboxUpdate["conversationId"];
  kind: InboxUpdate["kind"];
  name: string | undefined;
  createdAt: number;
  lastSeq: number;
  /** The newest message, when the window still has it. */
  last: Message | undefined;
  /** Who is typing now, sorted (groups of up to LIST_TYPING_MAX_MEMBERS only; else undefined). */
  typists?: readonly UserId[];
}

/** The start of a text message, cut at a code point boundary; undefined for other kinds. */
export function previewOf(message: Message): string | undefined {
  if (message.content.kind !== "text") return undefined;
  const chars = [...message.content.text];
  return chars.length <= INBOX_PREVIEW_CHARS
    ? message.content.text
    : `${chars.slice(0, INBOX_PREVIEW_CHARS - 1).join("")}…`;
}

/**
 * previewOf, once per message: a tick builds the same newest message's preview for every member
 * it tells (up to a 1,024-member group's), and previewOf walks the text by code point.
 */
const previews = new WeakMap<Message, { preview: string | undefined }>();
function previewOfCached(message: Message): string | undefined {
  let cached = previews.get(message);
  if (!cached) {
    cached = { preview: previewOf(message) };
    previews.set(message, cached);
  }
  return cached.preview;
}

/**
 * One member's update. `readUpTo` is raised to the member's own newest message (their own messages
 * count as read), when the newest message is theirs.
 */
export function memberUpdate(
  view: ConversationView,
  userId: UserId,
  member: boolean,
  readUpTo: number,
): InboxUpdate {
  const update: InboxUpdate = {
    userId,
    conversationId: view.conversationId,
    kind: view.kind,
    member,
    lastSeq: view.lastSeq,
    lastMessageAt: view.last?.serverTs ?? view.createdAt,
    readUpTo,
  };
  if (view.name !== undefined) update.name = view.name;
  if (view.typists) update.typing = view.typists.filter((typist) => typist !== userId);
  const last = view.last;
  if (last) {
    update.lastSenderId = last.senderId;
    update.lastMessageKind = last.content.kind;
    const preview = previewOfCached(last);
    if (preview !== undefined) update.preview = preview;
    if (last.senderId === userId) update.readUpTo = readPosition(readUpTo, last.seq);
  }
  return update;
}
