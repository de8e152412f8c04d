// Pure: a user's notification settings applied to one push. Do not disturb and a conversation's mute
// suppress it while active (an `until` in the past means it has lapsed), except that a push whose
// messages mention the recipient goes through a mute (users expect an @mention to reach them in a
// muted group); do not disturb stays absolute. Previews off strip the sender and the text, leaving
// the conversation and the count. O(1): the mention was resolved when the message was sent.
import type { NotificationSettings, PushEvent, Quiet } from "@edge-chat/protocol";

export type SettingsDecision =
  | { kind: "suppress"; reason: "do_not_disturb" | "muted" }
  | { kind: "send"; event: PushEvent };

const active = (quiet: Quiet | undefined, now: number) =>
  quiet !== undefined && (quiet.until === undefined || quiet.until > now);

export function applySettings(
  event: PushEvent,
  settings: NotificationSettings,
  now: number,
): SettingsDecision {
  if (active(settings.doNotDisturb, now)) return { kind: "suppress", reason: "do_not_disturb" };
  if (!event.mentioned && active(settings.muted[event.conversationId], now))
    return { kind: "suppress", reason: "muted" };
  if (settings.previews) return { kind: "send", event };
  const { senderId: _sender, preview: _preview, lastMessageKind: _kind, ...rest } = event;
  return { kind: "send", event: rest };
}
