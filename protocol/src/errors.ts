// Typed error codes: one table maps each code to its HTTP status, its WebSocket close code (when the
// error ends the socket) and whether retrying can help. Each transport translates once from here.
import { z } from "zod";

export const ERROR_CODES = {
  /** The body or frame is not valid JSON or does not match its schema. */
  invalid_request: { status: 400, retriable: false },
  /** A frame is larger than LIMITS.maxFrameBytes. */
  frame_too_large: { status: 413, retriable: false },
  /** A message's text, caption or media is over its kind's limit. */
  content_too_large: { status: 413, retriable: false },
  /** The client speaks no protocol version the server accepts. */
  unsupported_version: { status: 426, retriable: false },
  /** No credentials, or a token or ticket that is invalid, expired or used. */
  unauthenticated: { status: 401, retriable: false },
  /** A member tried an action reserved to admins. */
  forbidden: { status: 403, retriable: false },
  /** The action needs the caller to be the message's sender (edit, delete for everyone). */
  not_sender: { status: 403, retriable: false },
  /** The time allowed for this action on this message (edit, delete) is over. */
  window_expired: { status: 403, retriable: false },
  /** The message is deleted (a tombstone can be neither edited nor reacted to). */
  message_deleted: { status: 410, retriable: false },
  /** A block between the two members forbids this (a direct chat with someone blocked). */
  blocked: { status: 403, retriable: false },
  /** No such conversation, or the caller is not a member: deliberately indistinguishable. */
  not_found: { status: 404, retriable: false },
  /** The request conflicts with the current state (e.g. adding an existing member). */
  conflict: { status: 409, retriable: false },
  /** Too many requests; retry after `retryAfterMs`. */
  rate_limited: { status: 429, retriable: true },
  /**
   * The socket was cut because its client stopped reading (the edge's send buffer for it passed its
   * bound). Reconnecting and syncing from the last seq seen catches up with nothing lost.
   */
  slow_consumer: { status: 408, retriable: true },
  /** A dependency (region, storage) is unavailable for now. */
  unavailable: { status: 503, retriable: true },
  /** An unexpected failure on our side. Details are logged, never sent. */
  internal: { status: 500, retriable: true },
  /**
   * A failure on our side that retrying cannot fix: a dependency refused the request outright (a
   * push receiver's 4xx, a statement the database rejects) or the deployment is misconfigured.
   * Its own code so that it is never mistaken for the client's invalid_request; like `internal`,
   * details are logged, never sent. Last in the table so that a bare 500 still reads as `internal`.
   */
  permanent_failure: { status: 500, retriable: false },
} as const satisfies Record<string, { status: number; retriable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCode = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** WebSocket close code for an error that ends a socket: 4000 + its HTTP status (4401, 4426, …). */
export function closeCodeOf(code: ErrorCode): number {
  return 4000 + ERROR_CODES[code].status;
}

/** The error body every HTTP endpoint returns, and the payload of the `error` frame. */
export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  retriable: z.boolean(),
  retryAfterMs: z.number().int().min(0).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The one error type the project throws across boundaries. */
export class ChatError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ChatError";
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retriable(): boolean {
    return ERROR_CODES[this.code].retriable;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message, retriable: this.retriable };
    if (this.retryAfterMs !== undefined) body.retryAfterMs = this.retryAfterMs;
    return body;
  }
}

/** Turns anything thrown into a body safe to send: unknown errors become `internal`, unexplained. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ChatError) {
    if (error.code !== "permanent_failure") return error.toBody();
    return { code: error.code, message: "internal error", retriable: false };
  }
  return { code: "internal", message: "internal error", retriable: true };
}
