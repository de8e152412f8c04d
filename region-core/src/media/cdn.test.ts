import { createVerify, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { roundedExpiry, withCdnDownloads } from "./cdn.ts";
import type { MediaStore } from "./ports.ts";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const store = { signDownload: async () => "http://s3.invalid/" } as unknown as MediaStore;

/** CloudFront's URL-safe base64 back to bytes. */
const unsafe = (text: string) =>
  Buffer.from(text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");

describe("CDN downloads", () => {
  it("rounds expiries up to the window, so members within one window share a URL", () => {
    expect(roundedExpiry(1_000_000_000, 300, 60)).toBe(1_000_320);
    expect(roundedExpiry(1_000_001_000, 300, 60)).toBe(1_000_320);
    expect(roundedExpiry(1_000_021_000, 300, 60)).toBe(1_000_380);
  });

  it("signs a canned-policy CloudFront URL for the object's path that its public key verifies", async () => {
    let now = 1_800_000_010_000;
    const cdn = withCdnDownloads(
      store,
      {
        baseUrl: "https://cdn.example.test/",
        keyPairId: "K2TEST",
        privateKey: pem,
        windowSeconds: 60,
      },
      () => now,
    );
    const key = "c/d:alice:bob/0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31";
    const url = new URL(await cdn.signDownload({ key, expiresInSeconds: 300 }));
    expect(url.origin + url.pathname).toBe(
      "https://cdn.example.test/c/d%3Aalice%3Abob/0b8e7a52-3f4c-4d1e-9a77-2c5b1f0e9d31",
    );
    expect(url.searchParams.get("Key-Pair-Id")).toBe("K2TEST");
    const expires = Number(url.searchParams.get("Expires"));
    expect(expires).toBe(roundedExpiry(now, 300, 60));
    const resource = `${url.origin}${url.pathname}`;
    const policy = JSON.stringify({
      Statement: [
        { Resource: resource, Condition: { DateLessThan: { "AWS:EpochTime": expires } } },
      ],
    });
    const verifier = createVerify("RSA-SHA1").update(policy);
    expect(verifier.verify(publicKey, unsafe(url.searchParams.get("Signature")!))).toBe(true);
    // A second member a few seconds later gets the very same URL.
    const first = url.href;
    now += 5_000;
    expect(await cdn.signDownload({ key, expiresInSeconds: 300 })).toBe(first);
  });
});
