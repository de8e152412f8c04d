// A worker thread of the ingest decoder (ingest-decoder.ts): decodes request bodies it is sent
// and hands each result back by transfer (no copy). A decode error goes back as its code and
// message, which is all the HTTP answer carries anyway.
import { parentPort } from "node:worker_threads";
import { ChatError } from "@edge-chat/protocol";
import { decodeIngestBody } from "./ingest-decode.ts";
import type { DecodeReply, DecodeRequest } from "./ingest-decoder.ts";

const port = parentPort;
if (!port) throw new Error("ingest-decode-worker.ts runs as a worker thread only");
port.on("message", ({ id, body }: DecodeRequest) => {
  let reply: DecodeReply;
  try {
    const batch = decodeIngestBody(body);
    reply = { id, batch };
    port.postMessage(reply, [batch.values.buffer, batch.ends.buffer] as ArrayBuffer[]);
    return;
  } catch (error) {
    reply =
      error instanceof ChatError
        ? { id, error: { code: error.code, message: error.message } }
        : { id, error: { code: "internal", message: String(error) } };
  }
  port.postMessage(reply);
});
