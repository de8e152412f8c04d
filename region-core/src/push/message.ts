// Pure: what one push event becomes on a device. The payload mirrors the event (the edge has
// already dropped sender and preview if the recipient turned previews off); the OS-visible alert
// falls back to a count when there is no preview. One collapse key per conversation, so a newer
// notification replaces the older one on the device.
import type { PushEvent, PushPayload } from "@edge-chat/protocol";
import type { PushMessage } from "./providers/ports.ts";

/** Providers keep an undeliverable notification this long (a day: older chat alerts are noise). */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;

export function pushMessageOf(event: PushEvent): PushMessage {
  const payload: PushPayload = {
    conversationId: event.conversationId,
    kind: event.kind,
    count: event.count,
    unread: event.unread,
    lastSeq: event.lastSeq,
    at: event.at,
  };
  if (event.name !== undefined) payload.name = event.name;
  if (event.senderId !== undefined) payload.senderId = event.senderId;
  if (event.lastMessageKind !== undefined) payload.lastMessageKind = event.lastMessageKind;
  if (event.preview !== undefined) payload.preview = event.preview;

  const title =
    event.kind === "group"
      ? (event.name ?? "Group")
      : (event.senderId ?? event.name ?? "New message");
  const many = event.count === 1 ? "1 new message" : `${event.count} new messages`;
  const preview =
    event.preview !== undefined
      ? event.kind === "group" && event.senderId !== undefined
        ? `${event.senderId}: ${event.preview}`
        : event.preview
      : undefined;
  const body =
    preview !== undefined && event.count > 1
      ? `${preview} (+${event.count - 1})`
      : (preview ?? many);
  return {
    payload,
    alert: { title, body },
    collapseKey: event.conversationId,
    ttlSeconds: PUSH_TTL_SECONDS,
  };
}
