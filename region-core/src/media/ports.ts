// The media API's port to object storage: it only signs URLs. The bytes go between the client and
// the store directly, so this service never reads or writes an object itself.

export interface SignedUpload {
  url: string;
  /** Headers the PUT must carry exactly as signed (content-length is set by fetch from the body). */
  headers: Record<string, string>;
}

export interface MediaSigner {
  /** A PUT URL for exactly this key and content type (and size, when the store signs it). */
  signUpload(input: {
    key: string;
    mime: string;
    size: number;
    expiresInSeconds: number;
  }): Promise<SignedUpload>;
  /** A GET URL for exactly this key. */
  signDownload(input: { key: string; expiresInSeconds: number }): Promise<string>;
}
