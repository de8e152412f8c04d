// The message-changes contract: a stream of messages, edits, reactions and a delete applied by the
// persister (applyStep, one message a step) and read back through the history overlay equals what every device folds
// from the same stream (@edge-chat/protocol's foldAll), and stays so after the whole stream is
// replayed, in order and backwards: an old text or a deleted message never comes back.
import { foldAll, isChange, type Message, quoteOf } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { applyStep } from "../../src/persister/apply.ts";
import { coalesce } from "../../src/persister/coalesce.ts";
import { latestState } from "../../src/repositories/change-state.ts";
import type { Repositories } from "../../src/repositories/ports.ts";
import { message, uniqueGroup } from "../fixtures.ts";

/** One message as the persister applies it: a write step of its own. */
async function persist(repos: Repositories, m: Message): Promise<void> {
  const [step] = coalesce([m], (item) => ({ type: "message", message: item }) as const);
  if (step) await applyStep(repos, step);
}

function stream(conv: string): Message[] {
  const m = (seq: number, senderId: string, content: Message["content"], extra = {}) => ({
    ...message(conv, seq, senderId),
    content,
    ...extra,
  });
  const original = m(1, "alice", { kind: "text", text: "secret plan" });
  return [
    original,
    m(
      2,
      "bob",
      { kind: "text", text: "ok @alice" },
      {
        replyToSeq: 1,
        quote: quoteOf(original),
        mentions: ["alice"],
      },
    ),
    m(3, "alice", { kind: "edit", targetSeq: 1, text: "secret plan v2" }),
    m(4, "bob", { kind: "reaction", targetSeq: 2, emoji: "👍", previous: null }),
    m(5, "carol", { kind: "reaction", targetSeq: 2, emoji: "👍", previous: null }),
    m(6, "bob", { kind: "reaction", targetSeq: 2, emoji: "🎉", previous: "👍" }),
    m(7, "alice", { kind: "text", text: "keep me" }),
    m(8, "alice", { kind: "edit", targetSeq: 7, text: "keep me (edited)" }),
    m(9, "alice", { kind: "reaction", targetSeq: 1, emoji: "😅", previous: null }),
    m(10, "alice", { kind: "delete", targetSeq: 1, moderation: false, scrub: [2, 3] }),
    m(11, "carol", { kind: "reaction", targetSeq: 2, emoji: null, previous: "👍" }),
  ];
}

/** What a device shows after folding the stream, with the change rows as the DO keeps them. */
function expected(all: Message[]): Message[] {
  const shown = foldAll(all);
  const changes = all
    .filter(isChange)
    .map((c) =>
      c.content.kind === "edit" && c.content.targetSeq === 1
        ? { ...c, content: { kind: "edit" as const, targetSeq: 1 } }
        : c,
    );
  return [...shown, ...changes].sort((a, b) => a.seq - b.seq);
}

export function messageChangesContract(name: string, repositories: () => Repositories): void {
  describe(`message changes: ${name}`, () => {
    it("history returns the folded state; replays in any order change nothing", async () => {
      const repos = repositories();
      const conv = uniqueGroup("changes");
      const all = stream(conv);
      const read = async () =>
        latestState(
          repos.messageChanges,
          conv,
          (await repos.messages.page(conv, { after: 0, limit: 50 })).messages,
        );
      for (const m of all) await persist(repos, m);
      const want = JSON.parse(JSON.stringify(expected(all)));
      expect(await read()).toEqual(want);
      expect(JSON.stringify(await read())).not.toContain("secret");

      for (const m of all) await persist(repos, m);
      expect(await read()).toEqual(want);
      for (const m of [...all].reverse()) await persist(repos, m);
      expect(await read()).toEqual(want);
      expect(JSON.stringify(await read())).not.toContain("secret");
    });
  });
}
