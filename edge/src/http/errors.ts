// One translation of thrown errors to HTTP: ChatError → its status and `{error: ErrorBody}`;
// anything else → 500 "internal", logged but never described to the client.
import { ChatError, ERROR_CODES, type ErrorResponse, toErrorBody } from "@edge-chat/protocol";

export function errorResponse(error: unknown): Response {
  if (!(error instanceof ChatError)) console.error("unexpected error", error);
  const body = toErrorBody(error);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (body.retryAfterMs !== undefined) {
    headers["retry-after"] = String(Math.ceil(body.retryAfterMs / 1000));
  }
  const payload: ErrorResponse = { error: body };
  return new Response(JSON.stringify(payload), {
    status: ERROR_CODES[body.code].status,
    headers,
  });
}
