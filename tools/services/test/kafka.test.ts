// Smoke: produce a record to a topic the test creates and consume it back with kafkajs.
import { randomUUID } from "node:crypto";
import kafkajs from "kafkajs";
import { describe, expect, inject, it } from "vitest";
import { createKafkaTopics } from "../index.ts";

const services = inject("services");

describe("kafka", () => {
  it("delivers a produced record to a consumer", async () => {
    const topic = `smoke-${randomUUID()}`;
    await createKafkaTopics(services.kafka, [{ topic, numPartitions: 1 }]);
    const kafka = new kafkajs.Kafka({
      clientId: "smoke",
      brokers: services.kafka.brokers,
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    try {
      await producer.connect();
      const value = randomUUID();
      await producer.send({ topic, messages: [{ key: "k", value }] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => resolve(message.value?.toString() ?? ""),
        });
      });
      expect(await received).toBe(value);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
