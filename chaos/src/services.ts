// The suite's own set of real services. Its scenarios stop Kafka and Cassandra nodes, so it never
// uses the set the other tests share: by default it runs a separate one (its own run directory,
// Cassandra on 127.0.5.x, Kafka on 127.0.5.100:22092), started and reused through the harness.
// CHAOS_SERVICES_* override those; the harness's other EDGE_CHAT_* settings pass through.
import { homedir } from "node:os";
import { join } from "node:path";
import {
  ensureServices,
  pauseTarget,
  type ServiceEndpoints,
  type ServiceTarget,
  startTarget,
  stopTarget,
} from "@edge-chat/services";

export type ChaosServices = Pick<ServiceEndpoints, "cassandra" | "kafka">;

/** The harness environment of the suite's private services. */
export function chaosServicesEnv(
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  const cache =
    env.EDGE_CHAT_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "edge-chat");
  return {
    ...env,
    EDGE_CHAT_SERVICES_DIR: env.CHAOS_SERVICES_DIR ?? join(cache, "chaos-run"),
    EDGE_CHAT_CASSANDRA_ADDRESS_PREFIX: env.CHAOS_SERVICES_CASSANDRA_PREFIX ?? "127.0.5.",
    EDGE_CHAT_SERVICES_HOST: env.CHAOS_SERVICES_HOST ?? "127.0.5.100",
    EDGE_CHAT_KAFKA_PORT: env.CHAOS_SERVICES_KAFKA_PORT ?? "22092",
    EDGE_CHAT_KAFKA_CONTROLLER_PORT: env.CHAOS_SERVICES_KAFKA_CONTROLLER_PORT ?? "22093",
  };
}

const ONLY = ["cassandra", "kafka"] as const;

export async function chaosServices(): Promise<ChaosServices> {
  return ensureServices({ only: ONLY, env: chaosServicesEnv() });
}

/** Fault injection through the harness: stop one service or node of the private set. */
export async function stopService(target: ServiceTarget): Promise<void> {
  await stopTarget(target, { env: chaosServicesEnv() });
}

/** Freezes (SIGSTOP) or thaws (SIGCONT) one service or node of the private set. */
export function pauseService(target: ServiceTarget, paused: boolean): void {
  if (!pauseTarget(target, paused, { env: chaosServicesEnv() })) {
    throw new Error(`${target} is not running`);
  }
}

/** Brings it back and waits until it is healthy. */
export async function startService(target: ServiceTarget): Promise<void> {
  await startTarget(target, { env: chaosServicesEnv() });
}
