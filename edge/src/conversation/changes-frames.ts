// The socket side of message changes: edit, delete, react and hide frames. A change is answered
// like a send (an `ack` for its own seq) and fanned out as a `message` frame that every device folds;
// hide goes only to the member's own devices.
import type { ClientFrameOf } from "@edge-chat/protocol";
import type { ChangeResult } from "./changes-service.ts";
import type { FrameContext } from "./frame-context.ts";
import { type SocketState, sendFrame } from "./sockets.ts";

export type ChangeFrame = ClientFrameOf<"edit" | "delete" | "react" | "hide">;

export function onChangeFrame(
  ctx: FrameContext,
  ws: WebSocket,
  state: SocketState,
  frame: ChangeFrame,
): void {
  if (frame.type === "hide") {
    const seqs = ctx.changes.hide(ctx.conversationId, state.userId, frame.seqs);
    sendFrame(ws, { type: "hidden", reqId: frame.reqId, seqs });
    for (const other of ctx.sockets.ofUser(state.userId)) {
      if (other !== ws && seqs.length > 0) sendFrame(other, { type: "hidden", seqs });
    }
    return;
  }
  const args = [ctx.conversationId, state.userId, frame.targetSeq] as const;
  const connection = { bucket: state.bucket };
  const result: ChangeResult =
    frame.type === "edit"
      ? ctx.changes.edit(...args, frame, connection)
      : frame.type === "react"
        ? ctx.changes.react(...args, frame, connection)
        : ctx.changes.deleteForEveryone(...args, frame.clientMsgId, connection);
  sendFrame(ws, { type: "ack", reqId: frame.reqId, ...result.ack });
  if (result.message === null) return; // a resend: the original ack, no second change
  state.bucket = result.connectionBucket;
  ctx.sockets.save(ws, state);
  ctx.live.add(JSON.stringify(result.message));
  ctx.scheduleAlarm();
}
