// Where POST /v1/ingest decodes its bodies: inline, or on worker threads. Parsing, validating and
// re-serialising a batch is most of the API's own CPU per event (bench/README.md), and Node runs
// it on the one thread that also serves HTTP and encodes the producer's requests; on threads, it
// runs beside them, so a region uses more than one core for ingest. The result is the same either
// way (decodeIngestBody); a thread that dies fails its in-flight requests with `internal` and is
// replaced.
import { Worker } from "node:worker_threads";
import { ChatError, type ErrorCode } from "@edge-chat/protocol";
import { type DecodedBatch, decodeIngestBody } from "./ingest-decode.ts";

export interface IngestDecoder {
  decode(body: Uint8Array): Promise<DecodedBatch>;
  close(): Promise<void>;
}

/** A message to a decode thread (the body is transferred). */
export interface DecodeRequest {
  id: number;
  body: Uint8Array;
}
/** A decode thread's answer. */
export type DecodeReply =
  | { id: number; batch: DecodedBatch }
  | { id: number; error: { code: ErrorCode; message: string } };

/** Decodes on the calling thread. */
export function inlineDecoder(): IngestDecoder {
  return {
    decode: async (body) => decodeIngestBody(body),
    close: async () => {},
  };
}

interface Pending {
  resolve(batch: DecodedBatch): void;
  reject(error: unknown): void;
}

/** Decodes on `threads` worker threads (at least 1), each request to the least busy one. */
export function threadedDecoder(threads: number): IngestDecoder {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;

  interface Thread {
    worker: Worker;
    /** Ids of the requests this thread has not answered yet. */
    inFlight: Set<number>;
  }
  const pool: Thread[] = [];

  function spawn(slot: number): void {
    const worker = new Worker(new URL("./ingest-decode-worker.ts", import.meta.url));
    const thread: Thread = { worker, inFlight: new Set() };
    // The HTTP server keeps the process alive while requests are open; idle threads must not.
    worker.unref();
    worker.on("message", (reply: DecodeReply) => {
      thread.inFlight.delete(reply.id);
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiting) return;
      if ("batch" in reply) waiting.resolve(reply.batch);
      else waiting.reject(new ChatError(reply.error.code, reply.error.message));
    });
    const fail = (cause: unknown) => {
      for (const id of thread.inFlight) {
        pending.get(id)?.reject(new Error("ingest decode thread failed", { cause }));
        pending.delete(id);
      }
      thread.inFlight.clear();
      if (!closed && pool[slot] === thread) spawn(slot);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exited with code ${code}`)));
    pool[slot] = thread;
  }
  for (let slot = 0; slot < Math.max(1, threads); slot++) spawn(slot);

  return {
    decode(body) {
      if (closed) return Promise.reject(new ChatError("unavailable", "region is shutting down"));
      let thread = pool[0]!;
      for (const candidate of pool) {
        if (candidate.inFlight.size < thread.inFlight.size) thread = candidate;
      }
      const id = nextId++;
      return new Promise<DecodedBatch>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        thread.inFlight.add(id);
        const request: DecodeRequest = { id, body };
        // Transferred when the body owns its whole buffer (as a request body read does), so the
        // bytes are not copied; a view into a larger buffer is copied instead.
        const owns = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
        thread.worker.postMessage(request, owns ? [body.buffer as ArrayBuffer] : []);
      });
    },
    async close() {
      closed = true;
      await Promise.all(pool.map((thread) => thread.worker.terminate()));
    },
  };
}
