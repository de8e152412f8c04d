// The Kafka producer on a worker thread. kafkajs encodes record batches in JavaScript (varints,
// CRC-32C), and on one thread that work and the ingest API's (HTTP, JSON, validation) add up; here
// the API thread only packs values into one transferable buffer (record-frame.ts) and the producer
// thread does the rest, so the two overlap on two cores. The thread runs `worker.ts`: the same
// idempotent acks=all producer and group commit as on the main thread, so a publish still resolves
// only after Kafka acknowledged it. If the thread dies, what it held fails as "unavailable" (the
// edge retries, idempotently) and the next publish starts a new one.
//
// NOT FOR PRODUCTION (KAFKA_PRODUCER_THREAD=worker-unsafe): region-core/test/kafka-replication.test.ts
// found acknowledged records missing after a broker restart with it (3 runs of 3), cause not found.
import { Worker } from "node:worker_threads";
import { ChatError } from "@edge-chat/protocol";
import type { KafkaSettings, ProducerHandle } from "./kafka.ts";
import { encodeFrame, type RecordFrame } from "./record-frame.ts";

export type ToWorker = { type: "send"; id: number; frame: RecordFrame } | { type: "close" };
export type FromWorker =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "sent"; id: number }
  | { type: "error"; id: number; message: string }
  | { type: "closed" };

/** close() disconnects the producer (after what is in flight) and ends the thread. */
export type ProducerThread = ProducerHandle;

interface Pending {
  resolve(): void;
  reject(error: unknown): void;
}

interface Running {
  worker: Worker;
  pending: Map<number, Pending>;
}

const WORKER = new URL("./worker.ts", import.meta.url);

function unavailable(detail: string): ChatError {
  return new ChatError("unavailable", "event log unavailable", { cause: new Error(detail) });
}

/** Starts the thread and resolves once its producer is connected (as connectProducer does). */
export async function startProducerThread(settings: KafkaSettings): Promise<ProducerThread> {
  let nextId = 1;
  let closing = false;
  let current: Promise<Running> | null = start();

  function start(): Promise<Running> {
    const worker = new Worker(WORKER, { workerData: settings });
    const pending = new Map<number, Pending>();
    const running = new Promise<Running>((resolve, reject) => {
      const failAll = (detail: string) => {
        for (const waiting of pending.values()) waiting.reject(unavailable(detail));
        pending.clear();
      };
      worker.on("message", (message: FromWorker) => {
        if (message.type === "ready") resolve({ worker, pending });
        else if (message.type === "failed") reject(unavailable(message.message));
        else if (message.type === "sent") {
          pending.get(message.id)?.resolve();
          pending.delete(message.id);
        } else if (message.type === "error") {
          pending.get(message.id)?.reject(unavailable(message.message));
          pending.delete(message.id);
        }
      });
      worker.on("error", (error) => {
        console.error("region-core: the Kafka producer thread failed", error);
        failAll(error.message);
      });
      worker.on("exit", (code) => {
        reject(unavailable(`producer thread exited with ${code}`));
        failAll(`producer thread exited with ${code}`);
        // A thread that ended on its own is replaced on the next publish.
        if (current === running) current = null;
      });
    });
    running.catch(() => {});
    return running;
  }

  const first = await current;
  if (!first) throw unavailable("producer thread did not start");

  return {
    publisher(topic) {
      return {
        async publish(records) {
          if (records.length === 0) return;
          if (closing) throw unavailable("producer closed");
          current ??= start();
          const { worker, pending } = await current;
          const id = nextId++;
          const frame = encodeFrame(topic, records);
          return new Promise<void>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            const message: ToWorker = { type: "send", id, frame };
            worker.postMessage(message, [frame.bytes]);
          });
        },
      };
    },
    async close() {
      closing = true;
      const running = await current?.catch(() => null);
      current = null;
      if (!running) return;
      const closed = new Promise<void>((resolve) => {
        running.worker.on("message", (message: FromWorker) => {
          if (message.type === "closed") resolve();
        });
        running.worker.once("exit", () => resolve());
      });
      running.worker.postMessage({ type: "close" } satisfies ToWorker);
      await closed;
      await running.worker.terminate();
    },
  };
}
