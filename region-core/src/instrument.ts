// Latency recording at the region's seams, as wrappers around the ports (publisher, consumer,
// repositories) and one Hono middleware, so the domain code and the adapters stay free of metrics.
// main.ts wraps the adapters once; each wrapper adds two clock reads and one histogram observe.
import type { Message } from "@edge-chat/protocol";
import type { MiddlewareHandler } from "hono";
import type { BatchHandler, EventConsumer, EventPublisher } from "./events/ports.ts";
import type { Metrics } from "./metrics.ts";
import type { Repositories } from "./repositories/ports.ts";

const seconds = (start: number) => (performance.now() - start) / 1000;

/**
 * Times each publish. With `deadLetters`, every record also counts as an error under its
 * `x-dlq-code` header (the persister writes it), so errors by code need no hook in the persister.
 */
export function instrumentPublisher(
  publisher: EventPublisher,
  metrics: Metrics,
  topic: string,
  options: { deadLetters?: boolean } = {},
): EventPublisher {
  return {
    async publish(records) {
      const start = performance.now();
      try {
        await publisher.publish(records);
      } catch (error) {
        metrics.publishDuration.observe({ topic, outcome: "error" }, seconds(start));
        throw error;
      }
      metrics.publishDuration.observe({ topic, outcome: "ok" }, seconds(start));
      if (options.deadLetters) {
        for (const record of records) {
          metrics.errors.inc({
            code: record.headers?.["x-dlq-code"] ?? "unknown",
            source: "persister",
          });
        }
      }
    },
  };
}

/** Times each batch handler run (the persister's writes and offset commit for one partition). */
export function instrumentConsumer(consumer: EventConsumer, metrics: Metrics): EventConsumer {
  return {
    run(handler: BatchHandler) {
      return consumer.run(async (batch) => {
        const start = performance.now();
        try {
          await handler(batch);
        } catch (error) {
          metrics.persisterBatchDuration.observe({ outcome: "error" }, seconds(start));
          throw error;
        }
        metrics.persisterBatchDuration.observe({ outcome: "ok" }, seconds(start));
        metrics.persisterBatchRecords.observe(batch.records.length);
      });
    },
    stop: () => consumer.stop(),
  };
}

/** Methods that only read; everything else a repository does is a write. */
const READS = new Set(["get", "getMany", "list", "page", "memberState", "memberStates", "states"]);

/**
 * Every repository method timed under `op` = "<repository>.<method>". A stored message also
 * records end to end: its serverTs is the ConversationDO's ack time, so now − serverTs is how long
 * an acknowledged message took to reach this region's storage (clock skew between the edge and
 * the region included, which is why the buckets start at 10 ms).
 */
export function instrumentRepositories(repositories: Repositories, metrics: Metrics): Repositories {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, repository] of Object.entries(repositories)) {
    wrapped[name] = timedMethods(repository as object, name, metrics);
  }
  const result = wrapped as unknown as Repositories;
  const insert = result.messages.insert.bind(result.messages);
  const insertMany = result.messages.insertMany.bind(result.messages);
  const stored = (message: Message) =>
    metrics.endToEnd.observe(Math.max(0, Date.now() - message.serverTs) / 1000);
  result.messages = Object.assign(Object.create(result.messages) as object, {
    async insert(message: Message) {
      await insert(message);
      stored(message);
    },
    // The persister's path: one batch per coalesced step, each message's end to end recorded.
    async insertMany(messages: readonly Message[]) {
      await insertMany(messages);
      for (const message of messages) stored(message);
    },
  }) as Repositories["messages"];
  return result;
}

function timedMethods<T extends object>(target: T, name: string, metrics: Metrics): T {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== "function" || typeof property !== "string") return value;
      let timed = cache.get(property);
      if (!timed) {
        const labels = { op: `${name}.${property}`, kind: READS.has(property) ? "read" : "write" };
        const observe = (outcome: "ok" | "error", start: number) =>
          metrics.storageDuration.observe({ ...labels, outcome }, seconds(start));
        // Promise-returning methods are timed until they settle; anything else passes through
        // untouched (so a synchronous helper added to a repository keeps its return type).
        timed = (...args: unknown[]) => {
          const start = performance.now();
          const result = (value as (...a: unknown[]) => unknown).apply(object, args);
          if (!(result instanceof Promise)) return result;
          return result.then(
            (settled) => {
              observe("ok", start);
              return settled;
            },
            (error: unknown) => {
              observe("error", start);
              throw error;
            },
          );
        };
        cache.set(property, timed);
      }
      return timed;
    },
  });
}

/** A bounded route label: the API family from the path, never ids (cardinality stays fixed). */
export function routeFamily(path: string): string {
  const match = /^\/(v1\/)?([a-z-]+)/.exec(path);
  const family = match?.[2] ?? "";
  return ROUTES.has(family) ? family : "other";
}
const ROUTES = new Set(["ingest", "history", "users", "media", "health", "metrics"]);

/** Times every request (including ones answered with an error) by route family and status. */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    metrics.httpDuration.observe(
      { route: routeFamily(c.req.path), method: c.req.method, status: String(c.res.status) },
      seconds(start),
    );
  };
}
