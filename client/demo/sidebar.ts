// Rendering of the demo's conversation list (the sidebar): one button per conversation with its
// name or direct-chat peer, the newest message's preview and time, an unread badge, and who is
// online. The list
// and its order come from the SDK's InboxSession; this file only draws them.
import { directMembers, type InboxEntry } from "../src/index.ts";

/** The other member of a direct conversation, or undefined for a group. */
export function peerOf(conversationId: string, me: string): string | undefined {
  const members = directMembers(conversationId);
  if (!members) return undefined;
  return members[0] === me ? members[1] : members[0];
}

/** What a conversation is called in the list and the chat header. */
export function titleOf(conversationId: string, me: string, name?: string): string {
  return name ?? peerOf(conversationId, me) ?? conversationId;
}

/** "14:03" today, a short date otherwise. */
export function when(at: number, now = Date.now()): string {
  const date = new Date(at);
  return new Date(now).toDateString() === date.toDateString()
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString([], { day: "numeric", month: "short" });
}

function previewOf(entry: InboxEntry): string {
  switch (entry.lastMessageKind) {
    case "text":
      return entry.preview ?? "";
    case "image":
      return "[photo]";
    case "audio":
      return "[voice message]";
    case "video":
      return "[video]";
    case "system":
      // The first system message of a conversation is its creation.
      return entry.preview || (entry.lastSeq <= 1 ? "group created" : "group updated");
    default:
      return "no messages yet";
  }
}

export function renderConversations(
  list: HTMLOListElement,
  entries: readonly InboxEntry[],
  me: string,
  activeId: string | undefined,
  open: (entry: InboxEntry) => void,
  /** Direct peers' presence (online or not); a dot beside the name of a direct chat. */
  presences: ReadonlyMap<string, boolean> = new Map(),
  /** A group's presence ("2 online"), from the members' heartbeats (direct chats have the dot). */
  presenceOf: (entry: InboxEntry) => string | undefined = () => undefined,
): void {
  list.replaceChildren(
    ...entries.map((entry) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = `conversation${entry.conversationId === activeId ? " active" : ""}`;
      button.addEventListener("click", () => open(entry));
      const title = document.createElement("strong");
      title.textContent = titleOf(entry.conversationId, me, entry.name);
      const other = peerOf(entry.conversationId, me);
      if (other) {
        const dot = document.createElement("span");
        const online = presences.get(other) === true;
        dot.className = `dot${online ? " online" : ""}`;
        dot.title = online ? "online" : "offline";
        title.prepend(dot);
      }
      const time = document.createElement("time");
      time.textContent = when(entry.lastMessageAt);
      const preview = document.createElement("span");
      preview.className = "preview";
      preview.textContent = previewOf(entry);
      button.append(title, time, preview);
      const presence = other ? undefined : presenceOf(entry);
      if (presence) {
        const dot = document.createElement("span");
        dot.className = "presence";
        dot.textContent = `● ${presence}`;
        button.append(dot);
      }
      if (entry.unread > 0) {
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = String(entry.unread);
        badge.title = `${entry.unread} unread`;
        button.append(badge);
      }
      item.append(button);
      return item;
    }),
  );
}
