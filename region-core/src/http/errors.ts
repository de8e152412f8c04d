// The one place HTTP turns errors into responses: ChatErrors keep their code and status, anything
// else becomes an unexplained `internal` (details go to the log, never to the caller).
import { ChatError, type ErrorResponse, toErrorBody } from "@edge-chat/protocol";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export function errorResponse(c: Context, error: unknown): Response {
  if (!(error instanceof ChatError)) console.error("region-core: unhandled error", error);
  const body: ErrorResponse = { error: toErrorBody(error) };
  const status = (error instanceof ChatError ? error.status : 500) as ContentfulStatusCode;
  if (body.error.retryAfterMs !== undefined) {
    c.header("Retry-After", String(Math.ceil(body.error.retryAfterMs / 1000)));
  }
  return c.json(body, status);
}

/** The protocol code an error is answered with (what the error counter is labelled by). */
export function errorCode(error: unknown): string {
  return error instanceof ChatError ? error.code : "internal";
}

/** Reads a JSON request body, or throws ChatError("invalid_request"). */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ChatError("invalid_request", "body is not valid JSON");
  }
}
