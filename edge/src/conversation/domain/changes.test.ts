import { ChatError, type Member, Message } from "@edge-chat/protocol";
import { describe, expect, it } from "vitest";
import { checkDelete, checkEdit, checkReaction, type TargetView } from "./changes.ts";

const policy = { editWindowMs: 15 * 60_000, deleteWindowMs: 60 * 60_000 };
const alice: Member = { userId: "alice", role: "member", joinedAt: 0 };
const bob: Member = { userId: "bob", role: "member", joinedAt: 0 };
const admin: Member = { userId: "root", role: "admin", joinedAt: 0 };

function view(target: Partial<Message> | undefined, extra: Partial<TargetView> = {}): TargetView {
  const message = target
    ? Message.parse({
        conversationId: "g:x",
        seq: 1,
        messageId: "00000000-0000-4000-8000-000000000000",
        clientMsgId: "c",
        senderId: "alice",
        content: { kind: "text", text: "hi" },
        serverTs: 0,
        ...target,
      })
    : undefined;
  return { target: message, targetSeq: 1, lastSeq: 5, deleted: false, ...extra };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
  return "ok";
}

describe("checkEdit", () => {
  it("the sender edits own text inside the window, and nobody else", () => {
    expect(code(() => checkEdit(view({}), alice, policy.editWindowMs, policy))).toBe("ok");
    expect(code(() => checkEdit(view({}), alice, policy.editWindowMs + 1, policy))).toBe(
      "window_expired",
    );
    expect(code(() => checkEdit(view({}), bob, 0, policy))).toBe("not_sender");
    expect(code(() => checkEdit(view({}), admin, 0, policy))).toBe("not_sender");
  });

  it("refuses what cannot be edited", () => {
    expect(code(() => checkEdit(view(undefined), alice, 0, policy))).toBe("window_expired");
    expect(code(() => checkEdit(view({}, { targetSeq: 9 }), alice, 0, policy))).toBe("not_found");
    expect(code(() => checkEdit(view({ content: { kind: "deleted" } }), alice, 0, policy))).toBe(
      "message_deleted",
    );
    const image = {
      content: {
        kind: "image" as const,
        media: { objectKey: "k", mime: "image/png", size: 1, width: 1, height: 1 },
      },
    };
    expect(code(() => checkEdit(view(image), alice, 0, policy))).toBe("invalid_request");
    const change = {
      content: { kind: "reaction" as const, targetSeq: 1, emoji: "x", previous: null },
    };
    expect(code(() => checkEdit(view(change), alice, 0, policy))).toBe("invalid_request");
  });
});

describe("checkDelete", () => {
  it("own within the window; admins any time, as moderation when not theirs", () => {
    expect(checkDelete(view({}), alice, policy.deleteWindowMs, policy)).toEqual({
      moderation: false,
    });
    expect(code(() => checkDelete(view({}), alice, policy.deleteWindowMs + 1, policy))).toBe(
      "window_expired",
    );
    expect(code(() => checkDelete(view({}), bob, 0, policy))).toBe("forbidden");
    expect(checkDelete(view({}), admin, 10 * policy.deleteWindowMs, policy)).toEqual({
      moderation: true,
    });
    // Older than the window: only an admin may, without knowing whose it was.
    expect(checkDelete(view(undefined), admin, 0, policy)).toEqual({ moderation: true });
    expect(code(() => checkDelete(view(undefined), alice, 0, policy))).toBe("window_expired");
    expect(code(() => checkDelete(view(undefined, { deleted: true }), admin, 0, policy))).toBe(
      "message_deleted",
    );
  });
});

describe("checkReaction", () => {
  it("needs a live target and an actual change", () => {
    expect(code(() => checkReaction(view({}), "👍", null))).toBe("ok");
    expect(code(() => checkReaction(view({}), "👍", "👍"))).toBe("conflict");
    expect(code(() => checkReaction(view({}), null, null))).toBe("conflict");
    expect(code(() => checkReaction(view(undefined), "👍", null))).toBe("ok");
    expect(code(() => checkReaction(view({}, { deleted: true }), "👍", null))).toBe(
      "message_deleted",
    );
  });
});
