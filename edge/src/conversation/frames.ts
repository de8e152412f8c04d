// What each client frame does: decode, decide through the service, then the effects on sockets.
// Every failure becomes an `error` frame with its code (and reqId) and the socket stays usable.
import {
  type ClientFrame,
  type ClientFrameOf,
  decodeClientFrame,
  LIMITS,
  type RequestId,
} from "@edge-chat/protocol";
import { onChangeFrame } from "./changes-frames.ts";
import type { FrameContext } from "./frame-context.ts";
import { type SocketState, sendError, sendFrame } from "./sockets.ts";

/** Best effort: the reqId of a frame that failed validation, so its error can still be matched. */
function reqIdOf(data: string | ArrayBuffer): RequestId | undefined {
  if (typeof data !== "string" || data.length > LIMITS.maxFrameBytes) return undefined;
  try {
    const value = (JSON.parse(data) as { reqId?: unknown } | null)?.reqId;
    return typeof value === "string" && value.length > 0 && value.length <= 64 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a client frame; an invalid one is answered with its error frame here (undefined). */
export function decodeOrReply(ws: WebSocket, data: string | ArrayBuffer): ClientFrame | undefined {
  try {
    return decodeClientFrame(data);
  } catch (error) {
    sendError(ws, error, reqIdOf(data));
    return undefined;
  }
}

/** Runs one decoded frame; a failure becomes its error frame. */
export function handleFrame(
  ctx: FrameContext,
  ws: WebSocket,
  state: SocketState,
  frame: ClientFrame,
): void {
  try {
    dispatch(ctx, ws, state, frame);
  } catch (error) {
    sendError(ws, error, "reqId" in frame ? frame.reqId : undefined);
  }
}

function dispatch(ctx: FrameContext, ws: WebSocket, state: SocketState, frame: ClientFrame): void {
  switch (frame.type) {
    case "send":
      onSend(ctx, ws, state, frame);
      break;
    case "delivered":
      ctx.receipts.delivered(state.userId, frame.upToSeq, frame.deviceId);
      break;
    case "read":
      ctx.receipts.flush();
      ctx.sockets.statuses(
        ctx.service.watermark(ctx.conversationId, state.userId, frame.type, frame.upToSeq),
      );
      ctx.scheduleAlarm();
      break;
    case "typing":
      onTyping(ctx, ws, state, frame);
      break;
    case "sync":
      replay(ctx, ws, state, frame.afterSeq, frame.limit, frame.reqId);
      break;
    case "info": {
      ctx.receipts.flush();
      const members = ctx.service.info(ctx.conversationId, state.userId, frame.seq);
      sendFrame(ws, { type: "info_result", reqId: frame.reqId, seq: frame.seq, members });
      break;
    }
    case "ping":
      sendFrame(ws, { type: "pong", reqId: frame.reqId, serverTs: ctx.now() });
      break;
    case "edit":
    case "delete":
    case "react":
    case "hide":
      onChangeFrame(ctx, ws, state, frame);
      break;
  }
}

function onSend(
  ctx: FrameContext,
  ws: WebSocket,
  state: SocketState,
  frame: ClientFrameOf<"send">,
): void {
  const { ack, message, body, connectionBucket } = ctx.service.send(
    ctx.conversationId,
    state.userId,
    frame,
    { bucket: state.bucket },
  );
  sendFrame(ws, { type: "ack", reqId: frame.reqId, ...ack });
  if (message === null) return; // a resend: the original ack, no second message
  // Memory only (the state is the Sockets cache's object): no attachment write per message. The
  // attachment keeps an older bucket, which matters only after hibernation, and an object
  // hibernates only after seconds without events, by when any bucket has refilled (burst 20 at
  // 10/s by default takes 2 s).
  state.bucket = connectionBucket;
  ctx.live.add(body ?? JSON.stringify(message));
  ctx.scheduleAlarm();
}

/** Sends one sync page; the socket goes live when the page reaches the head (no gap, no dup). */
export function replay(
  ctx: FrameContext,
  ws: WebSocket,
  state: SocketState,
  afterSeq: number,
  limit: number | undefined,
  reqId: RequestId | undefined,
): void {
  // A pending live message must not reach this socket twice (in the page and again live).
  ctx.live.flush();
  const result = ctx.service.sync(afterSeq, limit);
  let live: boolean;
  if (result.kind === "gap") {
    sendFrame(ws, {
      type: "sync_gap",
      reqId,
      afterSeq: result.afterSeq,
      oldestSeq: result.oldestSeq,
    });
    live = false;
  } else {
    sendFrame(ws, {
      type: "sync_batch",
      reqId,
      messages: result.messages,
      toSeq: result.toSeq,
      more: result.more,
    });
    live = !result.more;
  }
  if (live !== state.live) {
    state.live = live;
    ctx.sockets.save(ws, state);
  }
}

function onTyping(
  ctx: FrameContext,
  ws: WebSocket,
  state: SocketState,
  frame: ClientFrameOf<"typing">,
): void {
  if (frame.state === "start") {
    state.typingUntil = ctx.now() + ctx.config.typingTtlMs;
    ctx.sockets.save(ws, state);
    ctx.sockets.toOthers(state.userId, { type: "typing", userId: state.userId, state: "start" });
    ctx.typingToInbox?.(state.userId, "start");
    ctx.scheduleAlarm();
  } else {
    stopTyping(ctx, ws, state);
  }
}

/** Clears this device's typing and tells the others, unless another device of the user still types. */
export function stopTyping(ctx: FrameContext, ws: WebSocket, state: SocketState): void {
  const wasTyping = state.typingUntil !== undefined;
  state.typingUntil = undefined;
  ctx.sockets.save(ws, state);
  const otherDeviceTyping = ctx.sockets
    .typing()
    .some((s) => s.ws !== ws && s.state.userId === state.userId && s.state.typingUntil);
  if (wasTyping && !otherDeviceTyping) {
    ctx.sockets.toOthers(state.userId, { type: "typing", userId: state.userId, state: "stop" });
    ctx.typingToInbox?.(state.userId, "stop");
  }
}
