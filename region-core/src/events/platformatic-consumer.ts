// The @platformatic/kafka consumer behind EventConsumer (KAFKA_CONSUMER=platformatic). Why this
// client: it sends group.instance.id (static membership), so a region-core restarted under the
// same id takes its partitions back at once instead of waiting out the dead member's session, and
// it heartbeats on its own timer, not between fetches. Guarantees, as the kafkajs adapter's:
// at-least-once (an offset is committed only once the handler resolved it), one partition's
// records handed over in offset order, one batch per partition at a time. Only this file knows the
// client's consumer.
import {
  Consumer,
  type ConsumerOptions,
  type Message,
  type MessagesStream,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
} from "@platformatic/kafka";
import type { KafkaConsumerSettings, KafkaSettings } from "./kafka.ts";
import { groupByKey, runBounded } from "./keyed-plan.ts";
import { platformaticSecurity } from "./platformatic.ts";
import type { BatchHandler, ConsumedBatch, EventConsumer } from "./ports.ts";

type Record = Message<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

export interface PlatformaticConsumerSettings extends KafkaConsumerSettings {
  /** group.instance.id (config.ts: client id + slot): stable across restarts, unique in the group. */
  groupInstanceId: string;
  /** Most records taken from the client's buffer per round (all partitions together). */
  maxRecordsPerRound?: number;
}

/** A reopened stream waits this long after a failure (the broker gone), doubling up to the max. */
const REOPEN_DELAY_MS = 200;
const REOPEN_MAX_DELAY_MS = 2_000;
/** How often the partitions' lag is polled for offsetLag() (a gauge; approximate by design). */
const LAG_INTERVAL_MS = 5_000;

export function platformaticConsumer(
  kafka: KafkaSettings,
  settings: PlatformaticConsumerSettings,
): EventConsumer {
  let loop: Promise<void> | null = null;
  const stopping = new AbortController();
  const lag = new Map<number, bigint>();

  const options: ConsumerOptions<Buffer, Buffer, Buffer, Buffer> = {
    clientId: kafka.clientId,
    bootstrapBrokers: kafka.brokers,
    ...(kafka.security ? platformaticSecurity(kafka.security) : {}),
    groupId: settings.groupId,
    groupInstanceId: settings.groupInstanceId,
    autocommit: false,
    autocreateTopics: false,
    ...(settings.sessionTimeoutMs === undefined
      ? {}
      : { sessionTimeout: settings.sessionTimeoutMs }),
    ...(settings.heartbeatIntervalMs === undefined
      ? {}
      : { heartbeatInterval: settings.heartbeatIntervalMs }),
    ...(settings.rebalanceTimeoutMs === undefined
      ? {}
      : { rebalanceTimeout: settings.rebalanceTimeoutMs }),
    ...(settings.fetchMaxWaitMs === undefined ? {} : { maxWaitTime: settings.fetchMaxWaitMs }),
  };

  // Committed offsets, then (a new group) the partition's beginning, as kafkajs's fromBeginning.
  const open = async (client: Consumer<Buffer, Buffer, Buffer, Buffer>): Promise<Stream> => {
    const stream = await client.consume({
      topics: [settings.topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
    });
    // The stream fetches only while it has a reader: a 'readable' listener that stays (the loop
    // reads in paused mode and adds its own listener only while it waits).
    stream.on("readable", () => {});
    // A failed stream is replaced by the loop (nextRecords sees it end); without a listener the
    // error would be thrown at the process.
    stream.on("error", (error) => {
      if (!stopping.signal.aborted) {
        console.warn(`kafka consumer ${settings.groupId}: stream failed (${String(error)})`);
      }
    });
    return stream;
  };

  const assigned = (client: Consumer<Buffer, Buffer, Buffer, Buffer>, partition: number) =>
    (client.assignments ?? []).some(
      (assignment) =>
        assignment.topic === settings.topic && assignment.partitions.includes(partition),
    );

  /**
   * One partition's records as a ConsumedBatch; resolves true when every record was resolved and
   * committed (false: the rest must be fetched again from the committed offset).
   */
  async function handlePartition(
    client: Consumer<Buffer, Buffer, Buffer, Buffer>,
    handler: BatchHandler,
    partition: number,
    records: readonly Record[],
  ): Promise<boolean> {
    const byOffset = new Map(records.map((record) => [record.offset.toString(), record]));
    let resolved: Record | null = null;
    let committed: Record | null = null;
    const last = records[records.length - 1]!;
    const batch: ConsumedBatch = {
      topic: settings.topic,
      partition,
      records: records.map((record) => ({
        offset: record.offset.toString(),
        key: record.key === undefined || record.key === null ? null : record.key.toString("utf8"),
        value: record.value ?? null,
        headers: Object.fromEntries(
          record.headerEntries.map(([name, value]) => [
            name.toString("utf8"),
            value.toString("utf8"),
          ]),
        ),
      })),
      resolveOffset(offset) {
        const record = byOffset.get(offset);
        if (record && (resolved === null || record.offset > resolved.offset)) resolved = record;
      },
      async commitOffsetsIfNecessary() {
        const target: Record | null = resolved;
        if (target === null || (committed !== null && committed.offset >= target.offset)) return;
        // The message's own commit stores its offset + 1 with its leader epoch, through the
        // stream's single-flight commit queue (so two commits of a partition cannot race).
        await bounded(Promise.resolve(target.commit()), CONNECT_TIMEOUT_MS, "commit");
        committed = target;
      },
      // The client heartbeats on its own timer, whatever the handler is doing.
      heartbeat: async () => {},
      isRunning: () => !stopping.signal.aborted,
      isStale: () => !assigned(client, partition),
      offsetLag: () => String(lag.get(partition) ?? 0n),
    };
    try {
      await handler(batch);
    } catch (error) {
      // A commit that failed (the broker gone): the records are delivered again.
      console.warn(`kafka consumer ${settings.groupId}: batch not committed (${String(error)})`);
      return false;
    }
    return committed !== null && (committed as Record).offset === last.offset;
  }

  /** A new client joined to the group and its stream; bounded, so a stuck join is given up. */
  async function connect(): Promise<Session> {
    const client = new Consumer<Buffer, Buffer, Buffer, Buffer>(options);
    try {
      const stream = await bounded(open(client), CONNECT_TIMEOUT_MS, "join");
      client.on("consumer:lag", (offsets) => {
        const partitions = offsets.get(settings.topic) ?? [];
        for (const [partition, value] of partitions.entries()) {
          lag.set(partition, value < 0n ? 0n : value);
        }
      });
      client.on("consumer:lag:error", () => {});
      client.startLagMonitoring({ topics: [settings.topic] }, LAG_INTERVAL_MS);
      return { client, stream };
    } catch (error) {
      await release(client);
      throw error;
    }
  }

  async function consumeLoop(first: Session, handler: BatchHandler): Promise<void> {
    let session: Session | null = first;
    let failures = 0;
    while (!stopping.signal.aborted) {
      if (session === null) {
        try {
          session = await connect();
        } catch (error) {
          failures++;
          console.warn(`kafka consumer ${settings.groupId}: cannot join (${String(error)})`);
          await sleep(Math.min(REOPEN_MAX_DELAY_MS, REOPEN_DELAY_MS * 2 ** failures), stopping);
          continue;
        }
      }
      const { client, stream } = session;
      const records = await nextRecords(stream, settings.maxRecordsPerRound ?? 5_000, stopping);
      if (records === null) {
        // The stream failed (the broker went away). The client's own rejoin after that was seen
        // to hang past the broker's return, so the whole client is replaced: under the same
        // group.instance.id the new one takes the partitions back without a rebalance, from the
        // committed offsets, which is exactly what the group has not yet applied.
        await release(client);
        session = null;
        failures++;
        await sleep(Math.min(REOPEN_MAX_DELAY_MS, (REOPEN_DELAY_MS / 2) * 2 ** failures), stopping);
        continue;
      }
      if (records.length === 0) continue;
      failures = 0;
      // Each partition's records keep their offset order (the stream pushes them so).
      const partitions = groupByKey(records, (record) => String(record.partition));
      let complete = true;
      await runBounded(partitions, settings.partitionsConsumedConcurrently, async (list) => {
        if (!(await handlePartition(client, handler, list[0]!.partition, list))) complete = false;
      });
      if (!complete && !stopping.signal.aborted) {
        // The client has already fetched past what the handler left undone (a failure, a
        // revoked partition): only a new stream from the committed offsets delivers it again.
        // The pause keeps a handler that keeps failing from spinning the loop.
        await release(client);
        session = null;
        await sleep(REOPEN_DELAY_MS, stopping);
      }
    }
    if (session) await release(session.client);
  }

  return {
    async run(handler) {
      const first = await connect();
      loop = consumeLoop(first, handler).catch((error) => {
        console.error(`kafka consumer ${settings.groupId}: stopped`, error);
      });
    },
    async stop() {
      // In-flight handlers see isRunning() false, finish, and commit what they resolved; the
      // loop then closes its client.
      stopping.abort();
      await loop;
      loop = null;
    },
  };
}

interface Session {
  client: Consumer<Buffer, Buffer, Buffer, Buffer>;
  stream: Stream;
}

/** How long a join may take before the client is replaced (a join normally takes < 1 s). */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long closing a client (leaving the group) may take; past it, the client is dropped. */
const RELEASE_TIMEOUT_MS = 5_000;

/** Closes a client and its streams (leaving the group if the broker answers), bounded. */
async function release(client: Consumer<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
  client.stopLagMonitoring();
  await bounded(client.close(true), RELEASE_TIMEOUT_MS, "close").catch(() => {});
}

/** The promise, or a rejection once `ms` have passed. */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kafka consumer: ${what} timed out`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * What the stream has buffered (at most `max`), waiting for some if it has none; [] when stopping,
 * null once the stream failed or ended.
 */
async function nextRecords(
  stream: Stream,
  max: number,
  stopping: AbortController,
): Promise<Record[] | null> {
  for (;;) {
    if (stream.destroyed || stream.readableEnded) return null;
    const records: Record[] = [];
    for (let record = stream.read(); record !== null; ) {
      records.push(record as Record);
      if (records.length >= max) break;
      record = stream.read();
    }
    if (records.length > 0 || stopping.signal.aborted) return records;
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off("readable", done);
        stream.off("close", done);
        stream.off("error", done);
        stopping.signal.removeEventListener("abort", done);
        resolve();
      };
      stream.once("readable", done);
      stream.once("close", done);
      stream.once("error", done);
      stopping.signal.addEventListener("abort", done, { once: true });
    });
  }
}

function sleep(ms: number, stopping: AbortController): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stopping.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
