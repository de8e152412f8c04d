// Lifecycle of uploads: what a client uploaded with a signed URL (the raw upload) is never what a
// message references. Verification publishes a copy under a key only the region writes, and
// messages name that copy (and its thumbnail or poster). So a raw upload older than the allowed
// age is either abandoned (never verified, or refused) or already published, and is deleted. Raw
// uploads are told apart by the ticket metadata signed into their PUT (owner, conversation).
// Published objects carry PUBLISHED metadata, and the persister marks each one a stored message
// names (references.ts): one older than the age with no mark was verified but never sent, and is
// deleted too. Production's bucket also expires raw uploads by their upload tag (terraform),
// which this does not need; locally the embedded store has no lifecycle rules.
import type { MediaStore } from "./ports.ts";
import { isPublished, isReferenced } from "./references.ts";
import { isRawUpload } from "./verify/index.ts";

export interface SweepOptions {
  store: MediaStore;
  /** Raw uploads and unreferenced published objects last modified longer ago are deleted. */
  maxAgeMs: number;
  /** Which part of the bucket to look at (media keys start with `c/`). */
  prefix?: string;
  now?: () => number;
}

export interface SweepResult {
  /** Objects listed. */
  seen: number;
  /** Objects deleted: raw uploads and unreferenced published objects. */
  deleted: number;
}

/**
 * One pass over the bucket: deletes every raw upload, and every published object no message
 * references, older than `maxAgeMs`. A message sent within `maxAgeMs` of its verification is
 * marked by then unless the persister lags by more than that (the default age is a day).
 */
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
      if (!head) continue;
      const stale =
        isRawUpload(head.metadata) ||
        (isPublished(head.metadata) && !(await isReferenced(options.store, object.key)));
      if (!stale) continue;
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
