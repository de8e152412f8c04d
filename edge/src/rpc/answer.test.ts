import { ChatError, toErrorBody } from "@edge-chat/protocol";
import { describe, expect, it, vi } from "vitest";
import { answerOf, unwrap } from "./answer.ts";

describe("RPC answer envelope", () => {
  it("passes a value through", async () => {
    expect(await answerOf(() => 7)).toEqual({ ok: true, value: 7 });
    expect(await unwrap(answerOf(async () => ({ a: 1 })))).toEqual({ a: 1 });
  });

  it("carries a ChatError across as the same typed error, retryAfterMs included", async () => {
    const thrown = new ChatError("rate_limited", "slow down", { retryAfterMs: 1500 });
    const answer = await answerOf(() => {
      throw thrown;
    });
    // What crosses the boundary is plain data (structured-clone safe).
    expect(structuredClone(answer)).toEqual({ ok: false, error: toErrorBody(thrown) });
    const again = await unwrap(Promise.resolve(structuredClone(answer))).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ChatError);
    expect(toErrorBody(again)).toEqual(toErrorBody(thrown));
  });

  it("turns an unexpected error into internal, without its detail", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const answer = await answerOf(() => {
      throw new Error("disk on fire at /srv/secret");
    });
    expect(answer).toEqual({
      ok: false,
      error: { code: "internal", message: "internal error", retriable: true },
    });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });
});
