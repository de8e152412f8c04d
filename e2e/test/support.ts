// Assertions shared by the e2e suites: what "arrived exactly once, in the edge's order" means.
import type { Message } from "@edge-chat/protocol";
import { expect } from "vitest";
// Types `inject("services")` (the harness declares it on vitest's ProvidedContext).
import type {} from "../../tools/services/vitest.global-setup.ts";
import type { RegionApi } from "../src/index.ts";
import { until } from "../src/index.ts";

/** Waits until region B's history holds seq 1..lastSeq, then returns it. */
export async function historyUpTo(
  api: RegionApi,
  conversationId: string,
  userId: string,
  lastSeq: number,
  timeoutMs = 240_000,
): Promise<Message[]> {
  let messages: Message[] = [];
  await until(
    async () => {
      messages = await api.allMessages(conversationId, userId);
      return (messages.at(-1)?.seq ?? 0) >= lastSeq;
    },
    `${conversationId} to reach seq ${lastSeq} in region history`,
    { everyMs: 500, timeoutMs },
  );
  return messages;
}

/** seq 1..n exactly, ascending, each once. */
export function expectGapless(messages: readonly Message[], n: number): void {
  expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
}

/** Every client message id once: no message was created twice. */
export function expectNoDuplicateSends(messages: readonly Message[]): void {
  const ids = messages.filter((m) => m.content.kind !== "system").map((m) => m.clientMsgId);
  expect(new Set(ids).size).toBe(ids.length);
}

export const texts = (messages: readonly Message[]) =>
  messages.flatMap((m) => (m.content.kind === "text" ? [m.content.text] : []));
