import { type Message, quoteOf } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { message } from "../../test/fixtures.ts";
import { latestState } from "../repositories/change-state.ts";
import { memoryRepositories } from "../repositories/memory.ts";
import type { Repositories } from "../repositories/ports.ts";
import { applyStep } from "./apply.ts";
import { coalesce } from "./coalesce.ts";

const conv = "c-apply";

async function persist(repos: Repositories, messages: Message[]): Promise<void> {
  const steps = coalesce(messages, (m) => ({ type: "message", message: m }) as const);
  for (const step of steps) await applyStep(repos, step);
}

/**
 * Memory repositories that log the writes in order. (The Cassandra row holds no quote, so the order
 * of these writes is what decides whether history can show a reply without it.)
 */
function loggingWrites(repos: Repositories, log: string[]): Repositories {
  const insertMany = repos.messages.insertMany.bind(repos.messages);
  repos.messages.insertMany = async (rows) => {
    log.push(`rows ${rows.map((r) => r.seq).join(",")}`);
    await insertMany(rows);
  };
  const annotate = repos.messageChanges.annotate.bind(repos.messageChanges);
  repos.messageChanges.annotate = async (m) => {
    log.push(`annotate ${m.seq}`);
    await annotate(m);
  };
  return repos;
}

describe("applyStep", () => {
  const original: Message = { ...message(conv, 1), content: { kind: "text", text: "plan" } };
  const reply: Message = {
    ...message(conv, 2, "bob"),
    content: { kind: "text", text: "ok @alice" },
    replyToSeq: 1,
    quote: quoteOf(original),
    mentions: ["alice"],
  };

  it("writes a reply's quote and mentions before its row, so history never shows it bare", async () => {
    const log: string[] = [];
    await persist(loggingWrites(memoryRepositories(), log), [original, reply]);
    expect(log).toEqual(["annotate 2", "rows 1,2"]);
  });

  it("still scrubs the quote when the delete comes in the same step as the reply", async () => {
    const repos = memoryRepositories();
    const del: Message = {
      ...message(conv, 3),
      content: { kind: "delete", targetSeq: 1, moderation: false, scrub: [2] },
    };
    await persist(repos, [original, reply, del]);
    const rows = await Promise.all([1, 2, 3].map((seq) => repos.messages.get(conv, seq)));
    const history = await latestState(
      repos.messageChanges,
      conv,
      rows.filter((m) => m !== null),
    );
    expect(history.find((m) => m.seq === 2)?.quote).toEqual({
      senderId: "alice",
      kind: "deleted",
      deleted: true,
    });
    expect(JSON.stringify(history)).not.toContain("plan");
  });
});
