// The media API's port to object storage. Clients move the bytes with signed URLs; the region itself
// reads an upload once to verify it and writes what it derives (the published copy, a thumbnail).
// Every method throws ChatError("unavailable") when the store cannot be reached, so the API never
// hands out a URL for a store that is not there.

export interface SignedUpload {
  url: string;
  /** Headers the PUT must carry exactly as signed (content-length is set by fetch from the body). */
  headers: Record<string, string>;
}

export interface StoredObject {
  size: number;
  contentType: string;
  /** User metadata stored with the object (x-amz-meta-*, names in lower case). */
  metadata: Record<string, string>;
}

/** One object of a listing. */
export interface ListedObject {
  key: string;
  size: number;
  /** Epoch ms. */
  lastModified: number;
}

export interface MediaStore {
  /** Resolves when the store answers for the bucket; throws unavailable otherwise. */
  checkReachable(): Promise<void>;
  /**
   * A PUT URL for exactly this key and content type (and size, when the store signs it), with
   * `metadata` signed in: the client must send it as headers, and the store keeps it with the object.
   */
  signUpload(input: {
    key: string;
    mime: string;
    size: number;
    metadata?: Record<string, string>;
    expiresInSeconds: number;
  }): Promise<SignedUpload>;
  /** A GET URL for exactly this key. */
  signDownload(input: { key: string; expiresInSeconds: number }): Promise<string>;
  /** The object's size and type, or null when there is no such object. */
  head(key: string): Promise<StoredObject | null>;
  /** The whole object, or null when there is no such object. */
  read(key: string): Promise<Uint8Array | null>;
  /** Writes an object the region makes itself, with optional user metadata (as signUpload's). */
  put(
    key: string,
    body: Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<void>;
  /** One page of the objects under `prefix`, in key order; `next` continues it. */
  list(input: { prefix: string; next?: string; limit?: number }): Promise<{
    objects: ListedObject[];
    next?: string;
  }>;
  delete(key: string): Promise<void>;
  close(): void;
}
