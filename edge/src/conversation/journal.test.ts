import type { Message } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import type { Config } from "../config.ts";
import { Journal } from "./journal.ts";
import type { ConversationStore } from "./store.ts";

/**
 * A journal over an in-memory stand-in that records each write in order (the SQLite store itself,
 * and the journal over it, are tested in workerd: test/ordering.test.ts, test/changes.test.ts).
 */
function setup() {
  let lastSeq = 4;
  const writes: string[] = [];
  const regionOutbox: { event: unknown; text: string | undefined }[] = [];
  let notices = 0;
  const store = {
    meta: () => ({ conversationId: "g:c", kind: "group", createdAt: 1 }),
    lastSeq: () => lastSeq,
    members: () => [],
    // The replied-to message left the window: no quote (replies are tested in workerd).
    changes: { message: () => undefined },
    insertMessage: (m: Message) => {
      writes.push(`insert ${m.seq}`);
      return JSON.stringify(m);
    },
    setLastSeq: (seq: number) => {
      writes.push(`lastSeq ${seq}`);
      lastSeq = seq;
    },
    setLastSent: (userId: string, seq: number) => void writes.push(`lastSent ${userId} ${seq}`),
    appendRegionOutbox: (event: unknown, _now: number, text?: string) => {
      writes.push("regionOutbox");
      regionOutbox.push({ event, text });
    },
    trim: (window: number) => void writes.push(`trim ${window}`),
  } as unknown as ConversationStore;
  const config = { windowSize: 50 } as unknown as Config;
  let id = 0;
  const clock = { now: () => 1000, uuid: () => `id-${++id}` };
  const journal = new Journal(store, config, clock, () => notices++);
  return { journal, writes, regionOutbox, notices: () => notices };
}

describe("Journal", () => {
  it("gives a message the next seq, marks it the sender's own and tells the inbox", () => {
    const { journal, writes, regionOutbox, notices } = setup();
    let body = "";
    const message = journal.appendMessage("u:a", "c1", { kind: "text", text: "hi" }, 2, (b) => {
      body = b;
    });
    expect(message).toMatchObject({
      conversationId: "g:c",
      seq: 5,
      clientMsgId: "c1",
      replyToSeq: 2,
    });
    expect(writes).toEqual(["insert 5", "lastSeq 5", "lastSent u:a 5", "regionOutbox", "trim 50"]);
    expect(body).toBe(JSON.stringify(message));
    // The region outbox row holds exactly the bytes serializing the event would make.
    expect(regionOutbox[0]!.text).toBe(JSON.stringify({ type: "message", message }));
    expect(notices()).toBe(1);
  });

  it("gives a system message a server-made idempotency key", () => {
    const { journal } = setup();
    const message = journal.appendMessage("u:a", undefined, {
      kind: "system",
      system: { event: "renamed", by: "u:a", name: "x" },
    });
    expect(message.clientMsgId).toBe("sys-5");
  });

  it("appends a change in the same seq order, without an inbox notice or an own-message mark", () => {
    const { journal, writes, regionOutbox, notices } = setup();
    const first = journal.appendMessage("u:a", "c1", { kind: "text", text: "hi" });
    const change = journal.appendChange("g:c", "u:b", "c2", {
      kind: "reaction",
      targetSeq: first.seq,
      emoji: "👍",
      previous: null,
    });
    expect(change.seq).toBe(6);
    expect(writes.slice(5)).toEqual(["insert 6", "lastSeq 6", "regionOutbox", "trim 50"]);
    expect(regionOutbox[1]!.text).toBe(JSON.stringify({ type: "message", message: change }));
    expect(notices()).toBe(1);
  });
});
