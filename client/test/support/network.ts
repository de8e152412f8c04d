// A switchable network in front of the real WebSocket and fetch, for one SDK client: the test can
// pull the plug (sockets drop as with a lost connection, new connections and requests fail) and
// plug it back in. The server stays real; only this client's link is cut.
import type { FetchLike, WebSocketConstructor, WebSocketLike } from "../../src/index.ts";

type Handlers = Pick<WebSocketLike, "onopen" | "onmessage" | "onclose" | "onerror">;

export class Network {
  #online = true;
  readonly #links = new Set<Link>();
  /** When set, the next `send` frame goes out and the link drops before any reply is read. */
  dropAfterNextSend = false;
  /** clientMsgIds of the `send` frames that went out, resends included. */
  readonly sentMessageIds: string[] = [];

  readonly fetchImpl: FetchLike = async (input, init) => {
    if (!this.#online) throw new TypeError("fetch failed: offline");
    return globalThis.fetch(input, init);
  };

  readonly WebSocketImpl: WebSocketConstructor;

  constructor() {
    const network = this;
    this.WebSocketImpl = class extends Link {
      constructor(url: string) {
        super(network, url);
      }
    };
  }

  get online(): boolean {
    return this.#online;
  }

  offline(): void {
    this.#online = false;
    for (const link of [...this.#links]) link.drop();
  }

  reconnect(): void {
    this.#online = true;
  }

  /** @internal */
  track(link: Link, on: boolean): void {
    if (on) this.#links.add(link);
    else this.#links.delete(link);
  }
}

class Link implements WebSocketLike {
  onopen: Handlers["onopen"] = null;
  onmessage: Handlers["onmessage"] = null;
  onclose: Handlers["onclose"] = null;
  onerror: Handlers["onerror"] = null;
  readonly #network: Network;
  readonly #socket: WebSocket | undefined;
  #dropped = false;

  constructor(network: Network, url: string) {
    this.#network = network;
    if (!network.online) {
      this.#dropped = true;
      setTimeout(() => this.#emitClose(1006, "offline"), 0);
      return;
    }
    const socket = new WebSocket(url);
    this.#socket = socket;
    network.track(this, true);
    socket.onopen = (event) => this.onopen?.call(socket, event);
    socket.onmessage = (event) => {
      if (!this.#dropped) this.onmessage?.call(socket, event);
    };
    socket.onerror = (event) => this.onerror?.call(socket, event);
    socket.onclose = (event) => {
      network.track(this, false);
      if (!this.#dropped) this.onclose?.call(socket, event);
    };
  }

  get readyState(): number {
    return this.#dropped ? 3 : (this.#socket?.readyState ?? 3);
  }

  send(data: string): void {
    this.#socket?.send(data);
    const frame = JSON.parse(data) as { type: string; clientMsgId?: string };
    if (frame.type === "send" && frame.clientMsgId)
      this.#network.sentMessageIds.push(frame.clientMsgId);
    if (this.#network.dropAfterNextSend && frame.type === "send") {
      this.#network.dropAfterNextSend = false;
      this.drop();
    }
  }

  close(code?: number, reason?: string): void {
    this.#dropped = true;
    this.#network.track(this, false);
    this.#socket?.close(code, reason);
  }

  /** The link dies under the client: it sees an abnormal close and nothing after it. */
  drop(): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#network.track(this, false);
    this.#socket?.close(1000, "network dropped");
    this.#emitClose(1006, "network dropped");
  }

  #emitClose(code: number, reason: string): void {
    this.onclose?.call(this as unknown as WebSocket, new CloseEvent("close", { code, reason }));
  }
}
