// The @platformatic/kafka producer behind EventPublisher (KAFKA_CLIENT=platformatic). The same
// guarantees as kafka.ts's: idempotent (the client then forces acks=all and one request in flight
// per broker connection), keys partitioned as Java and kafkajs do (murmur2, positive), group commit
// over concurrent publish() calls (coalescing.ts). It encodes batches with less work than kafkajs
// (see bench/README.md for the same-run figures). Only this file knows the client.
import { ChatError } from "@edge-chat/protocol";
import {
  compatibilityPartitioner,
  Producer,
  ProduceAcks,
  type ProducerOptions,
} from "@platformatic/kafka";
import { coalescingPublisher } from "./coalescing.ts";
import type { KafkaSettings, ProducerHandle } from "./kafka.ts";
import { type KafkaSecurity, verifiedTls } from "./kafka-security.ts";
import type { OutgoingRecord } from "./ports.ts";

type Options = ProducerOptions<string, Buffer | string, string, string>;

/** The client's TLS/SASL options (the same verified TLS as kafkajs's). */
export function platformaticSecurity(security: KafkaSecurity): Pick<Options, "tls" | "sasl"> {
  const options: Pick<Options, "tls" | "sasl"> = {};
  if (security.tls) options.tls = verifiedTls(security.tls);
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    options.sasl = {
      mechanism:
        mechanism === "plain"
          ? "PLAIN"
          : mechanism === "scram-sha-256"
            ? "SCRAM-SHA-256"
            : "SCRAM-SHA-512",
      username,
      password,
    };
  }
  return options;
}

function toBuffer(value: OutgoingRecord["value"]): Buffer | string | null {
  return value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
}

const utf8 = (value: string | undefined) => (value === undefined ? undefined : Buffer.from(value));

/**
 * The partition hash of a key, as Java's and kafkajs's default partitioners compute it (murmur2,
 * made positive; the client takes it modulo the partition count). The client's own default
 * (`>>> 0`) would put some keys elsewhere, splitting a conversation across partitions while two
 * clients publish it.
 */
export function keyHash(key: string): number {
  return compatibilityPartitioner(undefined as never, utf8(key));
}

/** Connects an idempotent producer (the producer id is fetched before the first publish). */
export async function connectPlatformaticProducer(
  settings: KafkaSettings,
): Promise<ProducerHandle> {
  const producer = new Producer<string, Buffer | string, string, string>({
    clientId: settings.clientId,
    bootstrapBrokers: settings.brokers,
    ...(settings.security ? platformaticSecurity(settings.security) : {}),
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: (message) => keyHash(message.key ?? ""),
    // Idempotence makes the client retry forever by default; the caller (edge region outbox,
    // persister) owns the retry policy, so a send that cannot get through fails as "unavailable"
    // instead.
    retries: 5,
    retryDelay: 250,
    autocreateTopics: false,
    serializers: {
      key: utf8,
      value: (value) => (typeof value === "string" ? Buffer.from(value) : (value ?? undefined)),
      headerKey: utf8,
      headerValue: utf8,
    },
  });
  await producer.initIdempotentProducer({});
  return {
    publisher(topic) {
      return coalescingPublisher(async (records) => {
        try {
          await producer.send({
            acks: ProduceAcks.ALL,
            messages: records.map((record) => ({
              topic,
              key: record.key,
              value: toBuffer(record.value) ?? undefined,
              headers: record.headers ?? {},
            })),
          });
        } catch (error) {
          throw new ChatError("unavailable", "event log unavailable", { cause: error });
        }
      });
    },
    close: () => producer.close(),
  };
}
