// The @platformatic/kafka producer behind EventPublisher (KAFKA_CLIENT=platformatic). The same
// guarantees as kafka.ts's: idempotent (the client then forces acks=all and one request in flight
// per broker connection), keys partitioned as Java and kafkajs do (murmur2, positive), group commit
// over concurrent publish() calls (coalescing.ts). It encodes batches with less work than kafkajs
// (see bench/README.md for the same-run figures). Only this file knows the client.
import { ChatError } from "@edge-chat/protocol";
import {
  compatibilityPartitioner,
  type MessageToProduce,
  Producer,
  ProduceAcks,
  type ProducerOptions,
} from "@platformatic/kafka";
import { coalescingPublisher } from "./coalescing.ts";
import type { KafkaSettings, ProducerHandle } from "./kafka.ts";
import { type KafkaSecurity, verifiedTls } from "./kafka-security.ts";
import type { OutgoingRecord } from "./ports.ts";

// Keys and headers reach the client already encoded (toMessages), values as they come.
type Options = ProducerOptions<Buffer, Buffer | string, Buffer, Buffer>;
type Message = MessageToProduce<Buffer, Buffer | string, Buffer, Buffer> & { topic: string };

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

/**
 * The records as the client's messages, with what repeats along a run of records encoded once:
 * an ingest batch is one conversation's records with one key and one headers object, so its key
 * and header bytes are made once per batch, not once per record (the client would otherwise
 * encode the key, each header name and each header value, and copy the headers into a new Map,
 * for every record: a measurable share of the region's CPU per event).
 */
export function toMessages(topic: string, records: readonly OutgoingRecord[]): Message[] {
  let key: string | undefined;
  let keyBytes = Buffer.alloc(0);
  let headers: OutgoingRecord["headers"] | null = null;
  let headerBytes = new Map<Buffer, Buffer>();
  return records.map((record) => {
    if (record.key !== key) {
      key = record.key;
      keyBytes = Buffer.from(key);
    }
    if (record.headers !== headers) {
      headers = record.headers;
      headerBytes = new Map(
        Object.entries(headers ?? {}).map(([name, value]) => [
          Buffer.from(name),
          Buffer.from(value),
        ]),
      );
    }
    const value = toBuffer(record.value) ?? undefined;
    return {
      topic,
      key: keyBytes,
      ...(value === undefined ? {} : { value }),
      headers: headerBytes,
    };
  });
}

/**
 * The partitioner: keyHash of the encoded key, computed once per run of records sharing the key
 * (toMessages hands the same Buffer to a whole batch).
 */
function batchPartitioner(): (message: unknown, key: Buffer | undefined) => number {
  let last: Buffer | undefined;
  let hash = 0;
  return (_message, key) => {
    if (key !== last) {
      last = key;
      hash = compatibilityPartitioner(undefined as never, key);
    }
    return hash;
  };
}

/** Connects an idempotent producer (the producer id is fetched before the first publish). */
export async function connectPlatformaticProducer(
  settings: KafkaSettings,
): Promise<ProducerHandle> {
  const producer = new Producer<Buffer, Buffer | string, Buffer, Buffer>({
    clientId: settings.clientId,
    bootstrapBrokers: settings.brokers,
    ...(settings.security ? platformaticSecurity(settings.security) : {}),
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: batchPartitioner(),
    // Idempotence makes the client retry forever by default; the caller (edge region outbox,
    // persister) owns the retry policy, so a send that cannot get through fails as "unavailable"
    // instead.
    retries: 5,
    retryDelay: 250,
    autocreateTopics: false,
    serializers: {
      key: (key) => key,
      value: (value) => (typeof value === "string" ? Buffer.from(value) : (value ?? undefined)),
      headerKey: (name) => name,
      headerValue: (value) => value,
    },
  });
  await producer.initIdempotentProducer({});
  return {
    publisher(topic) {
      return coalescingPublisher(async (records) => {
        try {
          await producer.send({ acks: ProduceAcks.ALL, messages: toMessages(topic, records) });
        } catch (error) {
          throw new ChatError("unavailable", "event log unavailable", { cause: error });
        }
      });
    },
    close: () => producer.close(),
  };
}
