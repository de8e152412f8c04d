// The reconnecting socket shared by the conversation session and the inbox session: each connect
// asks for a fresh single-use ticket and opens a new WebSocket; a close is judged by its code
// (reconnect with the protocol's backoff, or stop for good); a heartbeat drops a connection that
// stopped answering. What the frames mean is the owner's business, handed over through hooks.
import { ChatError } from "@edge-chat/protocol";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import { decideOnClose } from "./close-codes.ts";
import { OPEN, type WebSocketConstructor, type WebSocketLike } from "./socket.ts";

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface StateChange {
  state: ConnectionState;
  attempt: number;
  retryInMs?: number;
  error?: ChatError;
}

export interface ConnectionHooks {
  /** A fresh single-use ticket for the next socket (asked for on every connect). */
  ticket(): Promise<string>;
  /** The socket URL for that ticket (read at connect time, so it may carry e.g. `since`). */
  url(ticket: string): string;
  /** A frame of the current connection arrived. */
  onData(data: unknown): void;
  /** The current connection is gone (closed, dropped or torn down): forget what held for it. */
  onDisconnect(): void;
  onState(change: StateChange): void;
  onError(error: ChatError): void;
  /** Stopping for good, called before the state turns `closed`. */
  onStop(error: ChatError | undefined): void;
  /** A request the server answers; the heartbeat reconnects when it fails on a live connection. */
  ping(): Promise<unknown>;
}

export interface ConnectionOptions {
  backoff?: BackoffOptions | undefined;
  /** Ping interval that detects dead connections; 0 disables. Default 25 s. */
  heartbeatMs?: number | undefined;
}

export class ReconnectingSocket {
  readonly #WebSocket: WebSocketConstructor;
  readonly #hooks: ConnectionHooks;
  readonly #backoff: Backoff;
  readonly #heartbeatMs: number;
  #state: ConnectionState = "connecting";
  #socket: WebSocketLike | undefined;
  /** Identifies the current connection; events of older ones are ignored. */
  #generation = 0;
  #welcomed = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    WebSocketImpl: WebSocketConstructor,
    hooks: ConnectionHooks,
    options: ConnectionOptions = {},
  ) {
    this.#WebSocket = WebSocketImpl;
    this.#hooks = hooks;
    this.#backoff = new Backoff(options.backoff);
    this.#heartbeatMs = options.heartbeatMs ?? 25_000;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The current connection's number: async work started on it checks it is still current. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether the current connection has been welcomed by the server (frames may go out). */
  get welcomed(): boolean {
    return this.#welcomed;
  }

  start(): void {
    void this.#connect();
  }

  /** The server welcomed the current connection: it is open; start the heartbeat. */
  opened(): void {
    this.#welcomed = true;
    this.#backoff.opened(Date.now());
    this.#setState({ state: "open", attempt: this.#backoff.attempt });
    if (this.#heartbeatMs > 0) {
      clearInterval(this.#heartbeatTimer);
      this.#heartbeatTimer = setInterval(() => {
        this.#hooks.ping().catch((error: unknown) => {
          // Only a missing pong means a dead connection; a lost connection already reconnects.
          if (this.#welcomed) this.reconnectNow(toChatError(error));
        });
      }, this.#heartbeatMs);
    }
  }

  /** Puts data on the wire if the connection is welcomed; false otherwise. */
  send(data: string): boolean {
    const socket = this.#socket;
    if (!socket || !this.#welcomed || socket.readyState !== OPEN) return false;
    socket.send(data);
    return true;
  }

  /** Drops the current connection on purpose (dead heartbeat, failed gap fill) and reconnects. */
  reconnectNow(error: ChatError): void {
    if (this.#state === "closed") return;
    this.#hooks.onError(error);
    this.#teardown(1000, "reconnecting");
    this.#scheduleReconnect(error);
  }

  /** Closes for good. */
  close(): void {
    if (this.#state === "closed") return;
    this.#teardown(1000, "closed by the client");
    this.#stop();
  }

  async #connect(): Promise<void> {
    if (this.#state === "closed") return;
    const generation = ++this.#generation;
    this.#welcomed = false;
    if (this.#state === "connecting") this.#setState({ state: "connecting", attempt: 0 });
    let ticket: string;
    try {
      ticket = await this.#hooks.ticket();
    } catch (error) {
      if (generation !== this.#generation || this.#isClosed()) return;
      const chatError = toChatError(error);
      this.#hooks.onError(chatError);
      // A refused token may be refreshed by getToken next time; anything else non-retriable is final.
      if (chatError.retriable || chatError.code === "unauthenticated")
        this.#scheduleReconnect(chatError);
      else this.#stop(chatError);
      return;
    }
    if (generation !== this.#generation || this.#isClosed()) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#hooks.url(ticket));
    } catch (error) {
      this.#scheduleReconnect(toChatError(error));
      return;
    }
    this.#socket = socket;
    socket.onmessage = (event) => {
      if (generation === this.#generation) this.#hooks.onData(event.data);
    };
    socket.onclose = (event) => {
      if (generation === this.#generation) this.#onClose(event.code, event.reason);
    };
    // An error is always followed by a close, which is where the connection reacts.
    socket.onerror = null;
  }

  #onClose(code: number, reason: string): void {
    this.#socket = undefined;
    this.#afterDisconnect();
    const decision = decideOnClose(code, reason);
    if (decision.error) this.#hooks.onError(decision.error);
    if (decision.action === "stop") this.#stop(decision.error);
    else this.#scheduleReconnect(decision.error);
  }

  #teardown(code: number, reason: string): void {
    this.#generation++;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      try {
        socket.close(code, reason);
      } catch {
        // Already closing: nothing more to do.
      }
    }
    this.#afterDisconnect();
  }

  #afterDisconnect(): void {
    this.#welcomed = false;
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    this.#hooks.onDisconnect();
  }

  #scheduleReconnect(error?: ChatError): void {
    if (this.#state === "closed") return;
    const delay = this.#backoff.next(Date.now());
    if (delay === undefined) {
      this.#stop(error ?? new ChatError("unavailable", "gave up reconnecting"));
      return;
    }
    const state: StateChange = {
      state: "reconnecting",
      attempt: this.#backoff.attempt,
      retryInMs: delay,
    };
    if (error) state.error = error;
    this.#setState(state);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
  }

  #stop(error?: ChatError): void {
    clearTimeout(this.#reconnectTimer);
    this.#generation++;
    this.#hooks.onStop(error);
    const state: StateChange = { state: "closed", attempt: this.#backoff.attempt };
    if (error) state.error = error;
    this.#setState(state);
  }

  /** A method, not a field read, so TypeScript does not narrow it across awaits. */
  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #setState(change: StateChange): void {
    this.#state = change.state;
    this.#hooks.onState(change);
  }
}

export function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  return new ChatError("unavailable", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
