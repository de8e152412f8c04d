// The service token the edge presents to a region: a short-lived EdDSA JWT signed with the private
// JWK from SERVICE_SIGNING_KEY; regions verify it with the public half.
import { ChatError, SERVICE_TOKEN } from "@edge-chat/protocol";
import { type CryptoKey, importJWK, type JWK, SignJWT } from "jose";

const keys = new Map<string, Promise<CryptoKey | Uint8Array>>();

export async function signServiceToken(
  privateJwk: Record<string, unknown> | undefined,
  now: number,
) {
  if (!privateJwk) throw new ChatError("unavailable", "no service signing key configured");
  const cacheKey = JSON.stringify(privateJwk);
  let key = keys.get(cacheKey);
  if (!key) {
    key = importJWK(privateJwk as JWK, SERVICE_TOKEN.algorithm);
    keys.set(cacheKey, key);
  }
  const iat = Math.floor(now / 1000);
  const header: { alg: string; kid?: string } = { alg: SERVICE_TOKEN.algorithm };
  if (typeof privateJwk.kid === "string") header.kid = privateJwk.kid;
  return new SignJWT({})
    .setProtectedHeader(header)
    .setIssuer(SERVICE_TOKEN.issuer)
    .setAudience(SERVICE_TOKEN.audience)
    .setSubject("edge")
    .setIssuedAt(iat)
    .setExpirationTime(iat + SERVICE_TOKEN.ttlSeconds)
    .sign(await key);
}
