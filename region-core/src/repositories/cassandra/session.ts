// The thin shared layer of the Cassandra repositories: every statement is prepared and runs at the
// region's consistency level, and driver errors become typed ChatErrors once, here: transient ones
// (timeouts, unavailable replicas, no host) as retriable `unavailable`, the rest as permanent.
import { ChatError } from "@edge-chat/protocol";
import cassandra from "cassandra-driver";
import type { CONSISTENCY_LEVELS } from "../../config.ts";

const { consistencies, responseErrorCodes } = cassandra.types;

const LEVELS: Record<(typeof CONSISTENCY_LEVELS)[number], number> = {
  LOCAL_QUORUM: consistencies.localQuorum,
  LOCAL_ONE: consistencies.localOne,
  QUORUM: consistencies.quorum,
};

const TRANSIENT_CODES = new Set<number>([
  responseErrorCodes.unavailableException,
  responseErrorCodes.overloaded,
  responseErrorCodes.isBootstrapping,
  responseErrorCodes.truncateError,
  responseErrorCodes.writeTimeout,
  responseErrorCodes.readTimeout,
  responseErrorCodes.readFailure,
  responseErrorCodes.writeFailure,
  responseErrorCodes.serverError,
]);

/** Maps a driver error to a ChatError whose `retriable` tells the persister what to do. */
export function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  const { errors } = cassandra;
  const transient =
    error instanceof errors.NoHostAvailableError ||
    error instanceof errors.OperationTimedOutError ||
    error instanceof errors.BusyConnectionError ||
    (error instanceof errors.ResponseError && TRANSIENT_CODES.has(error.code));
  if (transient || !(error instanceof errors.DriverError)) {
    return new ChatError("unavailable", "storage unavailable", { cause: error });
  }
  return new ChatError("permanent_failure", `storage refused the statement: ${error.message}`, {
    cause: error,
  });
}

/** One statement of a batch; a per-statement write timestamp goes in its CQL (USING TIMESTAMP ?). */
export interface Statement {
  query: string;
  params: unknown[];
}

export interface Session {
  readonly keyspace: string;
  execute(
    query: string,
    params: unknown[],
    options?: { timestamp?: number; fetchSize?: number },
  ): Promise<cassandra.types.ResultSet>;
  /**
   * An UNLOGGED batch. Callers only batch statements of one partition: that is one mutation,
   * applied atomically on each replica, with no batch log (a multi-partition unlogged batch would
   * only move the fan-out onto one coordinator). One statement runs as a plain execute.
   */
  batch(statements: readonly Statement[]): Promise<void>;
}

/** Told of every request sent (the statements it carries), e.g. to count them in metrics. */
export type RequestObserver = (statements: number) => void;

export function createSession(
  client: cassandra.Client,
  keyspace: string,
  consistency: (typeof CONSISTENCY_LEVELS)[number],
  observe: RequestObserver = () => {},
): Session {
  const level = LEVELS[consistency];
  return {
    keyspace,
    async execute(query, params, options = {}) {
      observe(1);
      try {
        return await client.execute(query, params, {
          prepare: true,
          consistency: level,
          ...(options.fetchSize !== undefined ? { fetchSize: options.fetchSize } : {}),
          // The driver takes the write timestamp in microseconds as a number or Long.
          ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
        });
      } catch (error) {
        throw toChatError(error);
      }
    },
    async batch(statements) {
      if (statements.length === 0) return;
      observe(statements.length);
      try {
        if (statements.length === 1) {
          const [only] = statements as [Statement];
          await client.execute(only.query, only.params, { prepare: true, consistency: level });
          return;
        }
        await client.batch(statements as Statement[], {
          prepare: true,
          logged: false,
          consistency: level,
        });
      } catch (error) {
        throw toChatError(error);
      }
    },
  };
}

/** bigint columns come back as driver Longs; ids and seqs fit in a double. */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "number") return value;
  if (value instanceof Date) return value.getTime();
  return (value as cassandra.types.Long).toNumber();
}
