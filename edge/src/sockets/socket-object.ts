// The base of every Durable Object that holds client WebSockets (ConversationDO, InboxDO), in the
// style of partyserver's `Server`: the base owns the platform methods (the upgrade, webSocketMessage,
// webSocketClose, webSocketError, alarm) and the rules every socket shares; a subclass fills in
// small hooks. Shared rules: the caller is known by the Worker's trusted header or a single-use
// ticket; the protocol version is negotiated; a refusal still completes the upgrade so a browser can
// read why (one error frame, then the close code for its error); the socket's state lives in its
// attachment so it survives hibernation; a close is reciprocated (1005/1006, which may not be sent,
// become 1000).
import {
  ChatError,
  closeCodeOf,
  negotiateVersion,
  PROTOCOL_VERSION,
  toErrorBody,
  type UserId,
} from "@edge-chat/protocol";
import { DurableObject } from "cloudflare:workers";

/**
 * Declines permessage-deflate. Left to itself the runtime negotiates it with every client that
 * offers it, and then deflates every frame once per socket (each socket has its own compression
 * context, so a broadcast serialized once is compressed N times): profiled at 200 members, zlib was
 * the largest single cost of a conversation's fan-out (~27% of workerd's CPU, more than the
 * JavaScript). Chat frames are a few hundred bytes, where deflate saves little. The runtime only
 * negotiates the extensions a Worker's 101 response names, so naming none it knows turns it off.
 */
const UNCOMPRESSED = { "Sec-WebSocket-Extensions": "identity" };

/** Who is connecting, and the protocol version both ends agreed on. */
export interface SocketIdentity {
  userId: UserId;
  v: number;
}

/**
 * `S` is a socket's state (saved in its attachment); `C` is what the caller of `upgrade` knows
 * about the target (the ConversationDO's conversation id; nothing for an inbox).
 */
export abstract class SocketObject<
  E,
  S extends SocketIdentity,
  C = undefined,
> extends DurableObject<E> {
  /** The user a ticket was issued to, consumed (single use); null or a throw when not valid. */
  protected abstract consumeTicket(ticket: string): UserId | null;

  /**
   * Whether the identified caller may connect here, and the new socket's state. Throw a ChatError
   * to refuse. Runs before the socket is accepted.
   */
  protected abstract admit(identity: SocketIdentity, url: URL, context: C): S;

  /** The socket is accepted and its state saved: greet it (welcome, catch-up). */
  protected abstract onConnect(ws: WebSocket, state: S, url: URL, context: C): void;

  /** One frame from an accepted socket. */
  protected abstract onFrame(
    ws: WebSocket,
    state: S,
    data: string | ArrayBuffer,
  ): void | Promise<void>;

  /** A socket closed or failed (before the base reciprocates the close); its state if it had one. */
  protected onClose(_ws: WebSocket, _state: S | null): void {}

  /** The object's alarm. */
  protected onAlarm(): void | Promise<void> {}

  /** Tags for ctx.getWebSockets(tag). */
  protected tagsOf(_state: S): string[] {
    return [];
  }

  /** A socket's state (a subclass may keep a memory copy in front of the attachment). */
  protected stateOf(ws: WebSocket): S | null {
    return (ws.deserializeAttachment() as S | null) ?? null;
  }

  /** Saves a socket's state in its attachment. */
  protected saveState(ws: WebSocket, state: S): void {
    ws.serializeAttachment(state);
  }

  /** True for a WebSocket upgrade request. */
  protected static isUpgrade(request: Request): boolean {
    return request.headers.get("Upgrade")?.toLowerCase() === "websocket";
  }

  /**
   * Accepts (hibernatable) or refuses a socket. `headerUser` is the user the Worker authenticated
   * (trusted header); without it the `ticket` query parameter must name one. `v` is the client's
   * highest protocol version.
   */
  protected upgrade(request: Request, headerUser: UserId | undefined, context: C): Response {
    const url = new URL(request.url);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    let state: S;
    try {
      const ticket = url.searchParams.get("ticket");
      const userId = headerUser ?? (ticket ? this.consumeTicket(ticket) : null);
      if (!userId) throw new ChatError("unauthenticated", "invalid, expired or used ticket");
      const v = negotiateVersion(Number(url.searchParams.get("v") ?? PROTOCOL_VERSION));
      if (v === null || !Number.isInteger(v)) {
        throw new ChatError("unsupported_version", `this server speaks up to v${PROTOCOL_VERSION}`);
      }
      state = this.admit({ userId, v }, url, context);
    } catch (error) {
      server.accept();
      const body = toErrorBody(error);
      try {
        server.send(JSON.stringify({ type: "error", ...body }));
        server.close(closeCodeOf(body.code), body.message.slice(0, 120));
      } catch {
        // The client went away first.
      }
      return new Response(null, { status: 101, webSocket: client });
    }
    this.ctx.acceptWebSocket(server, this.tagsOf(state));
    this.saveState(server, state);
    this.onConnect(server, state, url, context);
    return new Response(null, { status: 101, webSocket: client, headers: UNCOMPRESSED });
  }

  // Not async: a frame handled in this turn (most are: receipts, typing, pings) returns nothing, so
  // the runtime has no promise to wait on per frame; only a frame that awaits returns one.
  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void | Promise<void> {
    const state = this.stateOf(ws);
    if (state) return this.onFrame(ws, state, data);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.onClose(ws, this.stateOf(ws));
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.webSocketClose(ws, 1011);
  }

  override async alarm(): Promise<void> {
    await this.onAlarm();
  }
}
