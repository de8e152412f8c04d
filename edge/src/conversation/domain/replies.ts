// Replies and mentions: what a new message carries about the message it answers (a quote) and
// whom it names (@userId of current members). Pure: the caller passes the target and the members.
import {
  isChange,
  LIMITS,
  type Member,
  type Message,
  type Quote,
  quoteOf,
  type UserId,
} from "@edge-chat/protocol";

/** The quote of a reply's target; undefined when the target is older than the window or a change. */
export function quoteFor(target: Message | undefined): Quote | undefined {
  if (!target || isChange(target) || target.content.kind === "system") return undefined;
  return quoteOf(target);
}

const MENTION = /@([A-Za-z0-9._@|-]+)/g;

/**
 * Members named as @userId in the text or caption, each once, in order; undefined when none. The
 * members are asked for only when the text has an "@", keeping the common send O(1).
 */
export function mentionsIn(
  message: Message,
  members: () => readonly Member[],
): UserId[] | undefined {
  const content = message.content;
  const text =
    content.kind === "text" ? content.text : "caption" in content ? content.caption : undefined;
  if (!text?.includes("@")) return undefined;
  const ids = new Set(members().map((m) => m.userId));
  const found: UserId[] = [];
  for (const [, token] of text.matchAll(MENTION)) {
    // "@bob." or "@bob," at the end of a sentence still names bob.
    const id = [token!, token!.replace(/[.@|-]+$/, "")].find((t) => ids.has(t));
    if (id && !found.includes(id)) found.push(id);
    if (found.length === LIMITS.maxMentions) break;
  }
  return found.length > 0 ? found : undefined;
}
