// Which region-published objects a stored message references. The persister marks every key of a
// media message (copy, thumbnail, poster) with an empty object under REFERENCE_PREFIX: one
// idempotent PUT per key, O(1) per message, and nothing for the sweeper to join against but a HEAD.
// The marks live outside `c/`, so listing media never lists them, and no upload key (always
// `c/<conversation>/<uuid>`, chosen by the region) can name one.
import type { MediaStore } from "./ports.ts";

export const REFERENCE_PREFIX = "ref/";

/**
 * The metadata of what verification publishes (copy, thumbnail, poster): kept only while a message
 * references it. Objects without it (written before marks existed) are never swept as unreferenced.
 */
export const PUBLISHED: Readonly<Record<string, string>> = { lifecycle: "referenced" };

export const isPublished = (metadata: Record<string, string>) =>
  (metadata.lifecycle ?? metadata["x-amz-meta-lifecycle"]) === PUBLISHED.lifecycle;

/** The marks side of the store: what the persister needs to mark and unmark keys. */
export type ReferenceStore = Pick<MediaStore, "put" | "delete">;

export const referenceKey = (objectKey: string) => `${REFERENCE_PREFIX}${objectKey}`;

const EMPTY = new Uint8Array();

/** Marks the keys as referenced by a message (replays rewrite the same empty objects). */
export async function markReferenced(store: ReferenceStore, keys: readonly string[]) {
  await Promise.all(
    keys.map((key) => store.put(referenceKey(key), EMPTY, "application/octet-stream")),
  );
}

/** Removes the objects and their marks (a delete for everyone). Deletes are idempotent. */
export async function deleteReferenced(store: ReferenceStore, keys: readonly string[]) {
  await Promise.all(keys.flatMap((key) => [store.delete(key), store.delete(referenceKey(key))]));
}

export async function isReferenced(store: MediaStore, objectKey: string): Promise<boolean> {
  return (await store.head(referenceKey(objectKey))) !== null;
}
