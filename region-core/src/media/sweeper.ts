// Lifecycle of uploads: what a client uploaded with a signed URL (the raw upload) is never what a
// message references. Verification publishes a copy under a key only the region writes, and
// messages name that copy (and its thumbnail or poster). So a raw upload older than the allowed
// age is either abandoned (never verified, or refused) or already published, and is deleted. Raw
// uploads are told apart by the ticket metadata signed into their PUT (owner, conversation); the
// region's own objects have none. Production's bucket also expires them by their upload tag
// (terraform), which this does not need; locally the embedded store has no lifecycle rules.
import type { MediaStore } from "./ports.ts";
import { isRawUpload } from "./verify/index.ts";

export interface SweepOptions {
  store: MediaStore;
  /** Raw uploads last modified longer ago than this are deleted. */
  maxAgeMs: number;
  /** Which part of the bucket to look at (media keys start with `c/`). */
  prefix?: string;
  now?: () => number;
}

export interface SweepResult {
  /** Objects listed. */
  seen: number;
  /** Raw uploads deleted. */
  deleted: number;
}

/** One pass over the bucket: deletes every raw upload older than `maxAgeMs`. */
export async function sweepUploads(options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? Date.now;
  const cutoff = now() - options.maxAgeMs;
  let next: string | undefined;
  let seen = 0;
  let deleted = 0;
  do {
    const page = await options.store.list({
      prefix: options.prefix ?? "c/",
      ...(next !== undefined ? { next } : {}),
    });
    next = page.next;
    seen += page.objects.length;
    for (const object of page.objects) {
      if (object.lastModified > cutoff) continue;
      const head = await options.store.head(object.key);
      if (!head || !isRawUpload(head.metadata)) continue;
      await options.store.delete(object.key);
      deleted++;
    }
  } while (next !== undefined);
  return { seen, deleted };
}

/**
 * Runs `sweepUploads` every `intervalMs` (one pass at a time; a failed pass is logged and the
 * next one tries again). Several regions sweeping one bucket is harmless: deletes are idempotent.
 */
export function startUploadSweeper(
  options: SweepOptions & { intervalMs: number; log?: (line: string) => void },
): { stop(): void } {
  const log = options.log ?? ((line: string) => console.log(line));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepUploads(options)
      .then(({ seen, deleted }) => {
        if (deleted > 0) log(`upload sweeper: deleted ${deleted} of ${seen} objects`);
      })
      .catch((error: unknown) => log(`upload sweeper: pass failed: ${String(error)}`))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
