// A fresh Ed25519 key pair per run for the edge's service tokens: the private JWK becomes the edge's
// SERVICE_SIGNING_KEY, the public JWKS the regions' SERVICE_JWKS. Nothing is ever written to disk.
// Tests also sign their own tokens with it to read the regions' history and conversation APIs.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { SERVICE_TOKEN } from "@edge-chat/protocol";
import { importJWK, type JWK, SignJWT } from "jose";

export interface ServiceKeys {
  /** Private JWK (with kid and alg), as the edge's SERVICE_SIGNING_KEY expects it. */
  signingKey: JWK;
  /** Public JWK Set, as region-core's SERVICE_JWKS expects it. */
  jwks: { keys: JWK[] };
  /** A service token signed with the private key, valid for SERVICE_TOKEN.ttlSeconds. */
  token(): Promise<string>;
}

export function serviceKeys(): ServiceKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const kid = `e2e-${randomUUID()}`;
  const alg = SERVICE_TOKEN.algorithm;
  const signingKey: JWK = { ...privateKey.export({ format: "jwk" }), kid, alg };
  const jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid, alg } as JWK] };
  const key = importJWK(signingKey, alg);
  return {
    signingKey,
    jwks,
    async token() {
      const iat = Math.floor(Date.now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg, kid })
        .setIssuer(SERVICE_TOKEN.issuer)
        .setAudience(SERVICE_TOKEN.audience)
        .setSubject("e2e")
        .setIssuedAt(iat)
        .setExpirationTime(iat + SERVICE_TOKEN.ttlSeconds)
        .sign(await key);
    },
  };
}
