// Media references in a send: a message may only point at objects of its own conversation
// (`c/<conversationId>/<uuid>`), so a member cannot make others fetch, through this conversation's
// download route, an object uploaded for another one. Pure and cheap: no region call.
import {
  ChatError,
  type ConversationId,
  isMediaKeyOf,
  mediaKeyPrefix,
  type UserContent,
} from "@edge-chat/protocol";

/** Throws invalid_request when a media key of `content` lies outside the conversation's prefix. */
export function checkMediaKeys(conversationId: ConversationId, content: UserContent): void {
  if (content.kind === "text") return;
  const { objectKey, thumbnailKey } = content.media;
  for (const key of thumbnailKey === undefined ? [objectKey] : [objectKey, thumbnailKey]) {
    if (!isMediaKeyOf(conversationId, key)) {
      throw new ChatError(
        "invalid_request",
        `media keys must be objects of this conversation (${mediaKeyPrefix(conversationId)}<id>)`,
      );
    }
  }
}
