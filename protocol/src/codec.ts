// Decoding untrusted input: size check, JSON parse and schema validation, each failure a typed
// ChatError, so a transport can answer with an error frame and keep the socket working.
import type { z } from "zod";
import { ChatError } from "./errors.ts";
import { ClientFrame, ServerFrame } from "./frames.ts";
import { LIMITS } from "./limits.ts";

/** UTF-8 length of a string, without TextEncoder (not part of the ESNext lib this package targets). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const point = char.codePointAt(0)!;
    bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Parses and validates `input` against `schema`, or throws ChatError("invalid_request"). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  // Too large *content* (a text, an array, a media object's byte `size`) is 413; any other number
  // over its maximum (a page size) is simply an invalid request.
  const tooBig = result.error.issues.some(
    (i) =>
      i.code === "too_big" &&
      (i.origin === "string" || i.origin === "array" || i.path.at(-1) === "size"),
  );
  throw new ChatError(
    tooBig ? "content_too_large" : "invalid_request",
    `${where}${issue?.message ?? "invalid"}`,
  );
}

/** Parses JSON text, or throws ChatError("invalid_request"). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ChatError("invalid_request", "frame is not valid JSON");
  }
}

/**
 * Decodes one WebSocket frame from a client against `schema`. Binary frames are refused (the
 * protocol is JSON text); the size limit is checked before any parsing.
 */
export function decodeTextFrame<S extends z.ZodType>(
  schema: S,
  data: string | ArrayBuffer,
): z.output<S> {
  if (typeof data !== "string")
    throw new ChatError("invalid_request", "binary frames are not supported");
  // Cheap bounds first (a UTF-16 code unit is 1 to 3 UTF-8 bytes), exact count only in between.
  if (
    data.length > LIMITS.maxFrameBytes ||
    (data.length * 3 > LIMITS.maxFrameBytes && utf8ByteLength(data) > LIMITS.maxFrameBytes)
  ) {
    throw new ChatError("frame_too_large", `frames are limited to ${LIMITS.maxFrameBytes} bytes`);
  }
  return parseWith(schema, parseJson(data));
}

/**
 * The exact texts the SDK sends for the most frequent client frame: every device acknowledges every
 * frame it gets, so a conversation decodes members x frames of these, with the device's id when
 * it has one (a device registered for push). The pattern admits only values the schema accepts (a
 * seq from 1 below 10^15, under MAX_SAFE_INTEGER; a device id of 1-64 letters, digits, _ and -,
 * none of which JSON escapes, so the text between the quotes is the id).
 */
const DELIVERED_TEXT =
  /^\{"type":"delivered","upToSeq":([1-9][0-9]{0,14})(?:,"deviceId":"([A-Za-z0-9_-]{1,64})")?\}$/;
/** The longest text DELIVERED_TEXT can match (a longer frame skips the pattern). */
const DELIVERED_TEXT_MAX = '{"type":"delivered","upToSeq":,"deviceId":""}'.length + 15 + 64;

/** Decodes one conversation-socket frame from a client. */
export function decodeClientFrame(data: string | ArrayBuffer): ClientFrame {
  // Fast path: the canonical `delivered` text skips JSON.parse and the schema walk. Any other
  // text (a reqId, other spacing or order) takes the full decoder, so every error stays typed.
  if (typeof data === "string" && data.length <= DELIVERED_TEXT_MAX) {
    const match = DELIVERED_TEXT.exec(data);
    if (match) {
      const upToSeq = Number(match[1]);
      const deviceId = match[2];
      return deviceId === undefined
        ? { type: "delivered", upToSeq }
        : { type: "delivered", upToSeq, deviceId };
    }
  }
  return decodeTextFrame(ClientFrame, data);
}

/** Decodes one frame from the server (used by the SDK). */
export function decodeServerFrame(data: string): ServerFrame {
  return parseWith(ServerFrame, parseJson(data));
}

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}
