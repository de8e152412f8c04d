// Batches live messages under load, as the platform advises for WebSockets: when a conversation is
// quiet a message goes out at once; when messages come faster than one per BATCH_WINDOW_MS, the
// ones that arrive within a window go out together at its end, as one `messages` frame to sockets
// that negotiated v2+ (one `message` frame each to v1 sockets). Each frame's text is built once per
// flush and shared by every socket. Anything that must not overtake or duplicate a pending message
// (a replay, a new socket, a system message) flushes first. Each flush records one fan-out point:
// the oldest message's wait from its ack (added in the same turn as the ack) to the end of the
// writes; O(1) per frame built, never per socket.
import { BATCHED_FRAMES_VERSION } from "@edge-chat/protocol";
import { messageFrameText } from "./journal.ts";
import type { Sockets } from "./sockets.ts";

/** Where a flush reports its fan-out time (the edge metrics recorder; bounded per invocation). */
export type FanoutRecorder = (ms: number) => void;

/** The longest a message waits for others to share its frame (only when messages are frequent). */
export const BATCH_WINDOW_MS = 16;
/** Most messages in one frame. */
export const MAX_BATCH = 100;

export class LiveBatcher {
  private readonly sockets: Pick<Sockets, "broadcastLiveTexts">;
  private readonly now: () => number;
  private pending: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  /** When the oldest pending message was added (acknowledged). */
  private oldestAt = 0;
  private readonly recordFanout: FanoutRecorder;

  constructor(
    sockets: Pick<Sockets, "broadcastLiveTexts">,
    now: () => number,
    recordFanout: FanoutRecorder = () => {},
  ) {
    this.sockets = sockets;
    this.now = now;
    this.recordFanout = recordFanout;
  }

  /** A stored message's JSON body, to every caught-up socket. */
  add(body: string): void {
    if (this.pending.length === 0) this.oldestAt = this.now();
    this.pending.push(body);
    if (this.timer !== undefined) {
      if (this.pending.length >= MAX_BATCH) this.flush();
      return;
    }
    const wait = this.lastFlushAt + BATCH_WINDOW_MS - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const bodies = this.pending;
    this.pending = [];
    this.lastFlushAt = this.now();
    // Built only for the versions present (broadcastLiveTexts asks once per version): a room of
    // v2 sockets costs one string per flush, not one per message as well.
    const batch = bodies.length > 1 ? `{"type":"messages","messages":[${bodies.join(",")}]}` : "";
    this.sockets.broadcastLiveTexts((v) =>
      batch && v >= BATCHED_FRAMES_VERSION ? [batch] : bodies.map(messageFrameText),
    );
    this.recordFanout(this.now() - this.oldestAt);
  }
}
