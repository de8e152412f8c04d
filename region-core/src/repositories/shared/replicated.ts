// The embedded stand-in for one multi-datacenter Cassandra cluster: one replica (a set of in-memory
// repositories) per region. A call from region R runs on R's replica at once; a write is then
// replayed on every other replica after `replicationDelayMs`, as Cassandra's asynchronous
// cross-datacenter replication would. The in-memory repositories resolve conflicts by version, as
// Cassandra does by write timestamp, so replicas that applied the same writes in different orders
// agree. Generic over the repository ports: a method is dispatched by name, so ports can grow
// without this file changing.
import type { StoreReplica } from "./replica.ts";

/**
 * Methods named like this only read; everything else is treated as a write and replicated. A read
 * replicated by mistake would cost a wasted call, never a wrong value, so the list errs short.
 */
const READ_METHOD = /^(get|list|page|find|count|has)([A-Z]|$)/;

export const isReadMethod = (method: string): boolean => READ_METHOD.test(method);

export interface ReplicatedStoreOptions {
  /** The regions (datacenters), each with its own replica; named up front, as a cluster's are. */
  regions: readonly string[];
  /** Builds one replica's repositories (the in-memory ones). */
  replica: () => StoreReplica;
  /** Delay before a write reaches the other regions' replicas; 0 applies it to all at once. */
  replicationDelayMs: number;
}

/** A call naming a region, repository or method the store does not have. */
export class UnknownTarget extends Error {}

type Invoke = (...args: unknown[]) => Promise<unknown>;

export class ReplicatedStore {
  readonly #replicas = new Map<string, StoreReplica>();
  readonly #options: ReplicatedStoreOptions;
  /** Writes waiting to reach other replicas, oldest first, so flush() can apply them in order. */
  readonly #pending = new Set<{ apply: () => Promise<unknown>; timer: NodeJS.Timeout }>();

  constructor(options: ReplicatedStoreOptions) {
    this.#options = options;
    for (const region of options.regions) this.#replicas.set(region, options.replica());
  }

  get regions(): string[] {
    return [...this.#replicas.keys()];
  }

  /** Runs `repository.method(...args)` as seen from `region`. */
  async call(
    region: string,
    repository: string,
    method: string,
    args: unknown[],
  ): Promise<unknown> {
    const local = this.#method(this.#replica(region), repository, method);
    const result = await local(...args);
    if (!isReadMethod(method)) await this.#replicate(region, repository, method, args);
    return result;
  }

  /** Applies every delayed write now (tests, and a clean shutdown). */
  async flush(): Promise<void> {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const write of pending) {
      clearTimeout(write.timer);
      await write.apply();
    }
  }

  /** Writes that have not reached every replica yet. */
  get lagging(): number {
    return this.#pending.size;
  }

  async #replicate(origin: string, repository: string, method: string, args: unknown[]) {
    // Each replica gets its own copy of the arguments, as if it had come over the network.
    const others = [...this.#replicas.entries()].filter(([region]) => region !== origin);
    const apply = async () => {
      for (const [, replica] of others) {
        await this.#method(replica, repository, method)(...structuredClone(args));
      }
    };
    if (this.#options.replicationDelayMs <= 0) {
      // Applied before the caller's answer goes out: with no delay every region reads what any
      // region wrote as soon as the write returned.
      await apply();
      return;
    }
    const write = {
      apply,
      timer: setTimeout(() => {
        this.#pending.delete(write);
        void apply().catch(logReplicationFailure);
      }, this.#options.replicationDelayMs),
    };
    write.timer.unref();
    this.#pending.add(write);
  }

  #replica(region: string): StoreReplica {
    const replica = this.#replicas.get(region);
    if (!replica) throw new UnknownTarget(`region ${region}`);
    return replica;
  }

  #method(replica: StoreReplica, repository: string, method: string): Invoke {
    const target = Object.hasOwn(replica, repository)
      ? (replica as unknown as Record<string, Record<string, unknown>>)[repository]
      : undefined;
    const fn = target && method !== "constructor" ? target[method] : undefined;
    // Only the repositories' own methods: nothing inherited from Object, nothing private-looking.
    if (typeof fn !== "function" || method in Object.prototype || method.startsWith("_")) {
      throw new UnknownTarget(`${repository}.${method}`);
    }
    return (fn as Invoke).bind(target);
  }
}

function logReplicationFailure(error: unknown): void {
  console.error("embedded store: a write could not be replicated", error);
}
