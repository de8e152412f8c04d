// Records packed for a hand-off to another thread: every value's bytes in one ArrayBuffer (moved,
// not copied, with postMessage's transfer list) plus the small per-record fields beside it. The
// ingest thread pays one UTF-8 encode per value; the producer thread slices views out of the
// buffer and hands them to the Kafka client without another copy. Pure: no I/O, no threads.
import type { OutgoingRecord } from "./ports.ts";

export interface RecordFrame {
  topic: string;
  keys: string[];
  /** Per record; undefined where a record has none. */
  headers: (Record<string, string> | undefined)[];
  /** Byte length of each value in `bytes`, or -1 for a null value (a tombstone). */
  lengths: number[];
  bytes: ArrayBuffer;
}

const encoder = new TextEncoder();

/** Packs records into a frame; `frame.bytes` is what to put in the transfer list. */
export function encodeFrame(topic: string, records: readonly OutgoingRecord[]): RecordFrame {
  let upperBound = 0;
  for (const record of records) {
    const value = record.value;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit: one allocation, no measuring pass.
    if (typeof value === "string") upperBound += value.length * 3;
    else if (value) upperBound += value.byteLength;
  }
  const bytes = new Uint8Array(upperBound);
  const keys: string[] = new Array(records.length);
  const headers: RecordFrame["headers"] = new Array(records.length);
  const lengths: number[] = new Array(records.length);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as OutgoingRecord;
    keys[i] = record.key;
    headers[i] = record.headers;
    const value = record.value;
    if (value === null) {
      lengths[i] = -1;
    } else if (typeof value === "string") {
      const { written } = encoder.encodeInto(value, bytes.subarray(at));
      lengths[i] = written;
      at += written;
    } else {
      bytes.set(value, at);
      lengths[i] = value.byteLength;
      at += value.byteLength;
    }
  }
  // Moving the whole over-allocated buffer is cheaper than copying the used part out of it.
  return { topic, keys, headers, lengths, bytes: bytes.buffer };
}

/** The records of a frame, their values as views into its buffer (no copies). */
export function decodeFrame(frame: RecordFrame): OutgoingRecord[] {
  const records: OutgoingRecord[] = new Array(frame.keys.length);
  let at = 0;
  for (let i = 0; i < frame.keys.length; i++) {
    const length = frame.lengths[i] as number;
    const value = length < 0 ? null : new Uint8Array(frame.bytes, at, length);
    if (length > 0) at += length;
    const headers = frame.headers[i];
    records[i] = headers
      ? { key: frame.keys[i] as string, value, headers }
      : { key: frame.keys[i] as string, value };
  }
  return records;
}
