// The one envelope for a Durable Object's RPC answers. workerd serializes an Error thrown across RPC
// lossily: it arrives as a plain Error (name, message and own fields such as `code` survive; the
// class, and with it `instanceof ChatError` and the `status`/`retriable` getters, does not), which
// the HTTP layer would answer as 500 internal. So a typed refusal travels as data instead: the
// object returns `{ok: false, error: ErrorBody}` and the caller throws the same ChatError again,
// which the HTTP layer answers with the same status and body as if it had been thrown in the Worker.
import { ChatError, type ErrorBody, toErrorBody } from "@edge-chat/protocol";

export type RpcAnswer<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Object side: runs `fn`; a thrown error becomes the envelope (an unexpected one is logged here). */
export async function answerOf<T>(fn: () => T | Promise<T>): Promise<RpcAnswer<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (!(error instanceof ChatError)) console.error("unexpected error", error);
    return { ok: false, error: toErrorBody(error) };
  }
}

/** Caller side: the value, or the object's refusal thrown as the same ChatError. */
export async function unwrap<T>(answer: Promise<RpcAnswer<T>>): Promise<T> {
  const settled = await answer;
  if (settled.ok) return settled.value;
  const { code, message, retryAfterMs } = settled.error;
  throw new ChatError(code, message, retryAfterMs === undefined ? {} : { retryAfterMs });
}
