// Downloads through a CDN (CloudFront in front of the private bucket, terraform/modules/region/
// cdn.tf): the region signs CloudFront URLs instead of S3 ones. The CDN checks the signature and
// expiry at its edge and keys its cache on the object path alone, so a popular image in a big
// group is fetched from the bucket once per edge location, not once per member. Expiries are
// rounded up to a window, so every member asking within one window gets the same URL (their
// browsers can share it too); access stays short-lived (at most TTL + window) and member-only
// (the edge asks the ConversationDO before any URL is signed).
import { getSignedUrl } from "@aws-sdk/cloudfront-signer";
import type { MediaStore } from "./ports.ts";

export interface CdnConfig {
  /** The distribution's origin, e.g. https://d111111abcdef8.cloudfront.net */
  baseUrl: string;
  /** The CloudFront public key's id (in the distribution's trusted key group). */
  keyPairId: string;
  /** The PEM private key of that public key. */
  privateKey: string;
  /** Expiries are rounded up to a multiple of this many seconds. */
  windowSeconds: number;
}

/** The expiry of a URL issued at `now` for `ttlSeconds`, rounded up to the window (epoch s). */
export function roundedExpiry(now: number, ttlSeconds: number, windowSeconds: number): number {
  const at = Math.ceil(now / 1000) + ttlSeconds;
  return Math.ceil(at / windowSeconds) * windowSeconds;
}

/** The URL path of an object key (each segment encoded, slashes kept), as S3 names it. */
function pathOf(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

/** `store`, with downloads signed for the CDN instead of the store itself. */
export function withCdnDownloads(store: MediaStore, cdn: CdnConfig, now = Date.now): MediaStore {
  const base = cdn.baseUrl.replace(/\/$/, "");
  return {
    ...store,
    async signDownload({ key, expiresInSeconds }) {
      return getSignedUrl({
        url: `${base}/${pathOf(key)}`,
        keyPairId: cdn.keyPairId,
        privateKey: cdn.privateKey,
        dateLessThan: new Date(roundedExpiry(now(), expiresInSeconds, cdn.windowSeconds) * 1000),
      });
    },
  };
}
