// Stand-ins for the network in pure SDK unit tests: a scriptable WebSocket (the test plays the
// server) and a routing fetch. Integration tests under test/ use the real edge Worker instead.
import type { ClientFrame, InboxServerFrame, ServerFrame } from "@edge-chat/protocol";
import type { FetchLike } from "../http-api.ts";
import type { WebSocketConstructor, WebSocketLike } from "../socket.ts";

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: ClientFrame[] = [];
  closedByClient: { code: number | undefined; reason: string | undefined } | undefined;
  onopen: WebSocketLike["onopen"] = null;
  onmessage: WebSocketLike["onmessage"] = null;
  onclose: WebSocketLike["onclose"] = null;
  onerror: WebSocketLike["onerror"] = null;

  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  get params(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  /** Frames of one type the client sent. */
  sentOf<T extends ClientFrame["type"]>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((f): f is Extract<ClientFrame, { type: T }> => f.type === type);
  }

  // ── the test plays the server ──
  open(): void {
    this.readyState = 1;
    this.onopen?.call(this as unknown as WebSocket, new Event("open"));
  }

  push(frame: ServerFrame | InboxServerFrame): void {
    this.onmessage?.call(
      this as unknown as WebSocket,
      new MessageEvent("message", { data: JSON.stringify(frame) }),
    );
  }

  pushRaw(data: string): void {
    this.onmessage?.call(this as unknown as WebSocket, new MessageEvent("message", { data }));
  }

  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.onclose?.call(this as unknown as WebSocket, { code, reason } as CloseEvent);
  }
}

export function fakeWebSockets(): { WebSocketImpl: WebSocketConstructor; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  class Impl extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocketImpl: Impl, sockets };
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
  /** The body as passed to fetch (binary bodies are not JSON-parsed into `body`). */
  rawBody: RequestInit["body"];
  url: string;
}

/** A fetch that routes to `handler`; the handler returns [status, body]. Requests are recorded. */
export function fakeFetch(
  handler: (request: FakeRequest) => [number, unknown] | Promise<[number, unknown]>,
): {
  fetchImpl: FetchLike;
  requests: FakeRequest[];
} {
  const requests: FakeRequest[] = [];
  const fetchImpl: FetchLike = async (input, init = {}) => {
    const url = new URL(input);
    const request: FakeRequest = {
      method: init.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      rawBody: init.body,
      url: input,
    };
    requests.push(request);
    const [status, body] = await handler(request);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  };
  return { fetchImpl, requests };
}

let ticketCounter = 0;

/** A ticket response as the edge would send it. */
export function ticketBody(): [number, unknown] {
  ticketCounter++;
  return [200, { ticket: `ticket-${String(ticketCounter).padStart(10, "0")}`, expiresAt: 1 }];
}
