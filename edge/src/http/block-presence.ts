// What each side of a direct chat already shows of the other is corrected at the moment of a block
// or unblock: presence reads consult the block mirror from then on, but a presence already on
// screen (an inbox list, the open chat) would stay until the next change. So each side's presence,
// as the other may now see it (hidden while blocked: offline, no last seen; the live state once
// lifted), goes at once to the other's inbox sockets and to their sockets in this direct chat.
import type { ConversationId, Presence, UserId } from "@edge-chat/protocol";
import type { Env } from "../env.ts";
import { blockedPresence } from "../presence/ports.ts";

export async function showPairPresence(
  env: Env,
  conversationId: ConversationId,
  members: readonly [UserId, UserId],
  blocked: boolean,
): Promise<void> {
  const inbox = (userId: UserId) => env.INBOXES.get(env.INBOXES.idFromName(userId));
  const chat = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(conversationId));
  const [a, b] = members;
  const sides: [owner: UserId, viewer: UserId][] = [
    [a, b],
    [b, a],
  ];
  await Promise.all(
    sides.map(async ([owner, viewer]) => {
      // Blocked: nothing to read, the answer is the hidden one. Lifted: the owner's inbox knows the
      // live state (null while its list does not have the chat yet: nothing was shown either).
      const shown: Presence | null = blocked
        ? blockedPresence(owner)
        : await inbox(owner).presenceFor(owner, viewer);
      if (!shown) return;
      await Promise.all([
        inbox(viewer).peerPresence(viewer, shown),
        chat.showPresence(viewer, shown),
      ]);
    }),
  );
}
