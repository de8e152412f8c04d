// The platform floor for the fan-out benchmark: a broadcast-only Durable Object. No auth, no
// storage, no parsing beyond the frame type: every `send` frame a socket sends is written, as the
// same string, to every socket of the room (one frame per delivery, the sender's own included).
// Everything else (the members' `delivered` frames) is read and dropped. Run under the same
// wrangler/workerd as the product by bench/src/fanout/main.ts.
import { DurableObject } from "cloudflare:workers";

interface Env {
  ROOMS: DurableObjectNamespace<FloorRoom>;
}

export class FloorRoom extends DurableObject<Env> {
  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override webSocketMessage(_ws: WebSocket, data: string | ArrayBuffer): void {
    if (typeof data !== "string" || !data.startsWith('{"type":"send"')) return;
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(data);
      } catch {
        // Closing.
      }
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // Already closed.
    }
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> | Response {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("floor: expected a WebSocket upgrade", { status: 426 });
    }
    const room = new URL(request.url).pathname.slice(1) || "room";
    return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
  },
} satisfies ExportedHandler<Env>;
