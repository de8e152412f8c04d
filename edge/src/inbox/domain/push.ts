// When a push notification is due: a new message for a user with no device socket connected,
// collapsed per conversation (at most one per `collapseMs`, counting the messages since the last
// push), never for the user's own messages or system events they caused. Pure.
import type { UserId } from "@edge-chat/protocol";
import type { InboxRow } from "./entries.ts";

/** Per conversation: when the last push went out and the seq it covered. */
export interface PushState {
  lastPushAt: number | undefined;
  pushedUpToSeq: number;
}

export const NO_PUSH_YET: PushState = { lastPushAt: undefined, pushedUpToSeq: 0 };

export interface PushInput {
  owner: UserId;
  row: InboxRow;
  state: PushState;
  /** Any device socket of the owner connected right now. */
  online: boolean;
  now: number;
  collapseMs: number;
}

export type PushDecision =
  | { kind: "none" }
  /** Not yet: within the collapse window; decide again at `at`. */
  | { kind: "later"; at: number }
  /** `mentioned`: a message this push covers mentions the owner (it overrides mute). */
  | { kind: "send"; count: number; state: PushState; mentioned: boolean };

export function decidePush(input: PushInput): PushDecision {
  const { owner, row, state, online, now, collapseMs } = input;
  if (online || !row.member) return { kind: "none" };
  // The owner wrote the newest message (or caused the system event): nothing to tell them.
  if (row.lastSenderId === owner) return { kind: "none" };
  const pending = row.lastSeq - Math.max(state.pushedUpToSeq, row.readUpTo);
  if (pending <= 0) return { kind: "none" };
  if (state.lastPushAt !== undefined && now < state.lastPushAt + collapseMs) {
    return { kind: "later", at: state.lastPushAt + collapseMs };
  }
  return {
    kind: "send",
    count: pending,
    state: { lastPushAt: now, pushedUpToSeq: row.lastSeq },
    mentioned: (row.mentionSeq ?? 0) > Math.max(state.pushedUpToSeq, row.readUpTo),
  };
}
