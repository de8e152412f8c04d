// The producer thread's entry (see producer-thread.ts): owns one kafkajs idempotent producer and a
// group-committing publisher per topic, and answers each frame once Kafka acknowledged it.
import { parentPort, workerData } from "node:worker_threads";
import { connectProducer, createKafka, type KafkaSettings, kafkaPublisher } from "./kafka.ts";
import type { EventPublisher } from "./ports.ts";
import type { FromWorker, ToWorker } from "./producer-thread.ts";
import { decodeFrame } from "./record-frame.ts";

const port = parentPort;
if (!port) throw new Error("worker.ts runs as a worker thread");
const reply = (message: FromWorker) => port.postMessage(message);

const kafka = createKafka(workerData as KafkaSettings);
try {
  const producer = await connectProducer(kafka);
  const publishers = new Map<string, EventPublisher>();
  port.on("message", (message: ToWorker) => {
    if (message.type === "close") {
      void producer.disconnect().finally(() => {
        reply({ type: "closed" });
        port.close();
      });
      return;
    }
    const { id, frame } = message;
    let publisher = publishers.get(frame.topic);
    if (!publisher) {
      publisher = kafkaPublisher(producer, frame.topic);
      publishers.set(frame.topic, publisher);
    }
    publisher.publish(decodeFrame(frame)).then(
      () => reply({ type: "sent", id }),
      (error: unknown) => {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        reply({
          type: "error",
          id,
          message: cause instanceof Error ? cause.message : String(cause),
        });
      },
    );
  });
  reply({ type: "ready" });
} catch (error) {
  reply({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  port.close();
}
