// Pure parts of the Upstash REST protocol: request validation, bearer-token check and the JSON
// encoding of Redis replies (optionally base64 for strings, as `Upstash-Encoding: base64` asks).
import { timingSafeEqual } from "node:crypto";

export type RedisArg = string;
export type Command = [string, ...RedisArg[]];

export type UpstashReply = { result: unknown } | { error: string };

export class UpstashRequestError extends Error {
  override readonly name = "UpstashRequestError";
  readonly code = "UPSTASH_BAD_REQUEST";
}

function toArg(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new UpstashRequestError("command arguments must be strings, numbers or booleans");
}

/** A single command: a non-empty JSON array whose first element names the command. */
export function parseCommand(body: unknown): Command {
  if (!Array.isArray(body) || body.length === 0) {
    throw new UpstashRequestError("the request body must be a non-empty JSON array command");
  }
  const [name, ...args] = body.map(toArg);
  if (name === undefined || name === "") throw new UpstashRequestError("missing command name");
  return [name, ...args];
}

/** A pipeline or transaction: a non-empty JSON array of commands. */
export function parseCommands(body: unknown): Command[] {
  if (!Array.isArray(body) || body.length === 0) {
    throw new UpstashRequestError("the request body must be a non-empty JSON array of commands");
  }
  return body.map(parseCommand);
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const match = /^Bearer (.+)$/.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Turns a Redis reply (read as Buffers) into JSON: strings as UTF-8, or base64 when asked,
 * integers as numbers, nil as null, arrays recursively; a nested error becomes its message.
 */
export function encodeReply(value: unknown, base64: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return base64 ? value.toString("base64") : value.toString("utf8");
  if (typeof value === "string") return base64 ? Buffer.from(value).toString("base64") : value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map((v) => encodeReply(v, base64));
  if (value instanceof Error)
    return base64 ? Buffer.from(value.message).toString("base64") : value.message;
  return value;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const BLOCKING = new Set([
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
  "WAIT",
]);

/** Commands that may block their connection (XREAD/XREADGROUP only with BLOCK). */
export function isBlocking([name, ...args]: Command): boolean {
  const upper = name.toUpperCase();
  if (BLOCKING.has(upper)) return true;
  return (
    (upper === "XREAD" || upper === "XREADGROUP") && args.some((a) => a.toUpperCase() === "BLOCK")
  );
}
