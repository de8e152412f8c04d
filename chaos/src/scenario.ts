// What a scenario is, and the one way every scenario runs: fresh conversations, a bounded stream,
// the fault injected once part of the stream is acknowledged, then the check. Prints nothing; the
// CLI and the tests decide what to do with the result.
import { until } from "@edge-chat/e2e";
import { closeAll, type Conversation, conversations } from "./members.ts";
import type { ChaosOptions } from "./options.ts";
import { type Stream, startStream } from "./stream.ts";
import type { ChaosSystem } from "./system.ts";
import { allStored, type Verdict, verify } from "./verify.ts";

export interface FaultContext {
  system: ChaosSystem;
  options: ChaosOptions;
  conversations: readonly Conversation[];
  stream: Stream;
  /** Progress for the operator (stderr). */
  log(message: string): void;
}

/** What a fault measured: recovery_ms (its meaning is stated per scenario) and any other figures. */
export interface Recovery {
  recoveryMs: number;
  detail?: Record<string, number | string>;
}

export interface Scenario {
  name: string;
  /** One line: the fault, and what recovery_ms measures. */
  summary: string;
  /** Too slow for npm test on a small machine (a JVM start); run with CHAOS_SLOW=1 or the CLI. */
  slow?: boolean;
  /** Send at CHAOS_RATE messages/s (steady load) instead of as fast as acks come. */
  paced?: boolean;
  /**
   * Extra attempts in `npm test` for a scenario whose check can lose a race with the local dev
   * server rather than with the product (the reason is written where it is set). The CLI runs once.
   */
  retries?: number;
  /** The paced rate, when the scenario needs its own (to outlast its fault); else CHAOS_RATE. */
  rate?(options: ChaosOptions): number;
  inject(ctx: FaultContext): Promise<Recovery>;
  /** Figures read after the check (everything is stored by then). */
  after?(ctx: FaultContext): Promise<Record<string, number | string>>;
}

export interface ScenarioResult extends Verdict {
  scenario: string;
  recovery_ms: number;
  unacked: number;
  detail?: Record<string, number | string>;
}

/** Inject once this share of the stream is acknowledged: mid-stream, with batches in flight. */
const INJECT_AT = 0.3;

export async function runScenario(
  scenario: Scenario,
  system: ChaosSystem,
  options: ChaosOptions,
  log: (message: string) => void,
): Promise<ScenarioResult> {
  const label = scenario.name.replace(/[^a-z]/g, "").slice(0, 6);
  const list = await conversations(system.edge.baseUrl, label, options.conversations);
  try {
    const stream = startStream(list, {
      ...options,
      ...(scenario.paced ? { ratePerSec: scenario.rate?.(options) ?? options.ratePerSec } : {}),
    });
    await until(() => stream.acked() >= options.messages * INJECT_AT, "the stream to get going", {
      everyMs: 50,
      timeoutMs: options.deadlineMs,
    });
    log(`${scenario.name}: ${stream.acked()} acked, injecting`);
    const ctx: FaultContext = { system, options, conversations: list, stream, log };
    const recovery = await scenario.inject(ctx);
    const { complete } = await stream.done;
    log(`${scenario.name}: stream ${complete ? "complete" : "cut at the deadline"}, checking`);
    const verdict = await verify(system, list, stream.sent, options.deadlineMs);
    const detail = { ...recovery.detail, ...(await scenario.after?.(ctx)) };
    return {
      scenario: scenario.name,
      ...verdict,
      recovery_ms: recovery.recoveryMs,
      unacked: stream.sent.length - verdict.acked,
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
    };
  } finally {
    closeAll(list);
  }
}

/** Polls (bounded) and returns the milliseconds from `since` until `check` held. */
export async function msUntil(
  since: number,
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs: number,
  everyMs = 100,
): Promise<number> {
  await until(check, what, { everyMs, timeoutMs });
  return Date.now() - since;
}

/**
 * Milliseconds from `since` (a service back) until everything acknowledged by then is stored in
 * every datacenter: the recovery_ms of the infrastructure faults.
 */
export async function backlogDrainMs(ctx: FaultContext, since: number): Promise<number> {
  const ackedByThen = ctx.stream.sent.filter((s) => s.ack);
  return msUntil(
    since,
    () => allStored(ctx.system, ctx.conversations, ackedByThen),
    "the backlog to reach every DC",
    ctx.options.deadlineMs,
    250,
  );
}

/**
 * Milliseconds from `since` (every session's socket was cut) until every session is open again.
 * The SDK notices a close asynchronously, so first it waits (briefly, bounded) for one to leave
 * "open".
 */
export async function sessionsReopenMs(ctx: FaultContext, since: number): Promise<number> {
  const { conversations, options } = ctx;
  await msUntil(
    since,
    () => conversations.some((c) => c.members.some((m) => m.session.state !== "open")),
    "the drop to be noticed",
    options.deadlineMs,
    10,
  ).catch(() => 0);
  return msUntil(
    since,
    () => conversations.every((c) => c.members.every((m) => m.session.state === "open")),
    "every session to reopen",
    options.deadlineMs,
    20,
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
