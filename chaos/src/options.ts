// The suite's knobs, from the environment, validated once. Every loop in a scenario is bounded by
// these counts and deadlines; the defaults are the full run (`npm run chaos`), SHORT the npm-test one.
import { z } from "zod";

const int = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);

const Env = z.object({
  CHAOS_MESSAGES: int(10_000),
  CHAOS_CONVERSATIONS: int(20),
  CHAOS_IN_FLIGHT: int(4),
  CHAOS_FAULT_MS: int(10_000, 0),
  CHAOS_DEADLINE_MS: int(300_000),
  CHAOS_RATE: int(50),
  CHAOS_FUZZ_FRAMES: int(80_000, 0),
  CHAOS_FUZZ_REQUESTS: int(20_000, 0),
  CHAOS_FUZZ_SEED: z.coerce.number().int().optional(),
});

export interface ChaosOptions {
  /** Messages acknowledged per scenario (spread over the conversations). */
  messages: number;
  /** Direct conversations, each with two members sending. */
  conversations: number;
  /** Sends in flight per sender. */
  inFlight: number;
  /** How long a fault lasts before the service comes back. */
  faultMs: number;
  /** Upper bound on every wait of a scenario (acks, storage, recovery). */
  deadlineMs: number;
  /** Messages per second of the paced (steady-load) scenarios. */
  ratePerSec: number;
  fuzz: { frames: number; requests: number; seed: number };
}

/** The npm-test versions: a few hundred messages, short faults. */
export const SHORT: ChaosOptions = {
  messages: 300,
  conversations: 6,
  inFlight: 4,
  faultMs: 3_000,
  deadlineMs: 120_000,
  ratePerSec: 50,
  fuzz: { frames: 2_000, requests: 400, seed: 42 },
};

export function chaosOptions(env: Record<string, string | undefined>): ChaosOptions {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid chaos settings: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    messages: e.CHAOS_MESSAGES,
    conversations: e.CHAOS_CONVERSATIONS,
    inFlight: e.CHAOS_IN_FLIGHT,
    faultMs: e.CHAOS_FAULT_MS,
    deadlineMs: e.CHAOS_DEADLINE_MS,
    ratePerSec: e.CHAOS_RATE,
    fuzz: {
      frames: e.CHAOS_FUZZ_FRAMES,
      requests: e.CHAOS_FUZZ_REQUESTS,
      seed: e.CHAOS_FUZZ_SEED ?? Date.now() % 1_000_000,
    },
  };
}
