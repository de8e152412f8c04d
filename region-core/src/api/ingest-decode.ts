// The CPU-heavy half of POST /v1/ingest as a pure function of the request's bytes: JSON parse,
// validation against the protocol's IngestBatch schema (the one source of truth), the
// one-conversation check, and each event re-serialised as its record value. Its output is packed
// into one byte array with end offsets: one UTF-8 encode per batch, and the producer gets each
// value as a view of it.
import { ChatError, conversationOfEvent, IngestBatch, parseWith } from "@edge-chat/protocol";

/** A validated batch: every event's record value, UTF-8, back to back in `values`. */
export interface DecodedBatch {
  batchId: string;
  conversationId: string;
  /** The values, concatenated. */
  values: Uint8Array;
  /** Where each value ends in `values` (the first starts at 0). */
  ends: Uint32Array;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Decodes and validates one request body, or throws ChatError("invalid_request"). */
export function decodeIngestBody(body: Uint8Array): DecodedBatch {
  let input: unknown;
  try {
    input = JSON.parse(decoder.decode(body));
  } catch {
    throw new ChatError("invalid_request", "body is not valid JSON");
  }
  const batch = parseWith(IngestBatch, input);
  // The key decides the partition, so an event filed under another conversation would lose its
  // ordering guarantee: refuse the batch rather than publish it.
  const stray = batch.events.find((event) => conversationOfEvent(event) !== batch.conversationId);
  if (stray) {
    throw new ChatError("invalid_request", "every event must belong to the batch's conversation");
  }
  // One string and one encode for the whole batch instead of one per event: the offsets are the
  // values' UTF-16 lengths when the batch is ASCII (as many bytes as characters), and are measured
  // per value only when it is not.
  const texts = batch.events.map((event) => JSON.stringify(event));
  const joined = texts.join("");
  const values = encoder.encode(joined);
  const allAscii = values.byteLength === joined.length;
  const ends = new Uint32Array(texts.length);
  let end = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    end += allAscii || ascii(text) ? text.length : encoder.encode(text).byteLength;
    ends[i] = end;
  }
  return { batchId: batch.batchId, conversationId: batch.conversationId, values, ends };
}

/** Each value of a decoded batch, as a view into its bytes. */
export function valuesOf(batch: DecodedBatch): Uint8Array[] {
  const out = new Array<Uint8Array>(batch.ends.length);
  let start = 0;
  for (let i = 0; i < batch.ends.length; i++) {
    const end = batch.ends[i]!;
    out[i] = batch.values.subarray(start, end);
    start = end;
  }
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/;
function ascii(text: string): boolean {
  return !NON_ASCII.test(text);
}
