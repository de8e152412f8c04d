// The JWT matrix: every way a token can be wrong is refused as `unauthenticated`.
import { ChatError } from "@edge-chat/protocol";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../config.ts";
import type { Env } from "../env.ts";
import { allowedAlgorithms, verifyUserToken } from "./jwt.ts";

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
const ISS = "issuer-x";
const AUD = "aud-x";

let ed: CryptoKeyPair;
let es: CryptoKeyPair;
let other: CryptoKeyPair;
let dev: Config["jwt"];
let prod: Config["jwt"];

function configFor(vars: Partial<Env>): Config["jwt"] {
  return loadConfig({ JWT_ISSUER: ISS, JWT_AUDIENCE: AUD, ...vars } as Env).jwt;
}

beforeAll(async () => {
  ed = (await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })) as CryptoKeyPair;
  es = (await generateKeyPair("ES256", { extractable: true })) as CryptoKeyPair;
  other = (await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })) as CryptoKeyPair;
  const jwks = JSON.stringify({
    keys: [
      { ...(await exportJWK(ed.publicKey)), kid: "ed", alg: "EdDSA" },
      { ...(await exportJWK(es.publicKey)), kid: "es", alg: "ES256" },
    ],
  });
  dev = configFor({ ENVIRONMENT: "development", JWT_DEV_SECRET: SECRET, JWT_JWKS: jwks });
  prod = configFor({ ENVIRONMENT: "production", JWT_DEV_SECRET: SECRET, JWT_JWKS: jwks });
});

const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: {
  sub?: string;
  iss?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
}) {
  const jwt = new SignJWT({})
    .setSubject(overrides.sub ?? "alice")
    .setIssuer(overrides.iss ?? ISS)
    .setAudience(overrides.aud ?? AUD)
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? now() + 300);
  if (overrides.nbf !== undefined) jwt.setNotBefore(overrides.nbf);
  return jwt;
}

const hs = (o = {}) =>
  claims(o).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET));
const eddsa = (o = {}, key = ed.privateKey, kid = "ed") =>
  claims(o).setProtectedHeader({ alg: "EdDSA", kid }).sign(key);

/** The refusal's message, as a client would see it. */
async function refusalMessage(token: Promise<string> | string, config = dev): Promise<string> {
  try {
    await verifyUserToken(await token, config);
    return "accepted";
  } catch (error) {
    return error instanceof ChatError ? error.message : "untyped error";
  }
}

async function refusal(token: Promise<string> | string, config = dev): Promise<string> {
  try {
    await verifyUserToken(await token, config);
    return "accepted";
  } catch (error) {
    return error instanceof ChatError ? error.code : "untyped error";
  }
}

describe("verifyUserToken", () => {
  it("says what is wrong without naming the library's error codes", async () => {
    const messages = [
      await refusalMessage(eddsa({}, other.privateKey)),
      await refusalMessage(eddsa({ exp: now() - 3600 })),
      await refusalMessage(eddsa({ aud: "someone-else" })),
      await refusalMessage("not.a.jwt"),
      await refusalMessage(eddsa({}, ed.privateKey, "nope"), prod),
    ];
    expect(messages).toEqual([
      "invalid token (signature does not verify)",
      "invalid token (expired)",
      "invalid token (claim aud not accepted)",
      "invalid token (malformed or unverifiable)",
      "invalid token (unknown signing key)",
    ]);
    for (const message of messages) expect(message).not.toMatch(/ERR_|JOSE|JWS|JWT[A-Z]/);
  });

  it("accepts valid HS256 (development), EdDSA and ES256 tokens", async () => {
    expect(await verifyUserToken(await hs(), dev)).toBe("alice");
    expect(await verifyUserToken(await eddsa(), dev)).toBe("alice");
    expect(await verifyUserToken(await eddsa(), prod)).toBe("alice");
    const es256 = await claims({})
      .setProtectedHeader({ alg: "ES256", kid: "es" })
      .sign(es.privateKey);
    expect(await verifyUserToken(es256, prod)).toBe("alice");
  });

  it("refuses alg none", async () => {
    const unsecured = new UnsecuredJWT({})
      .setSubject("alice")
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime(now() + 60)
      .encode();
    expect(await refusal(unsecured)).toBe("unauthenticated");
  });

  it("refuses a wrong key", async () => {
    expect(await refusal(eddsa({}, other.privateKey))).toBe("unauthenticated");
    const wrongSecret = claims({})
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(`${SECRET}-other`));
    expect(await refusal(wrongSecret)).toBe("unauthenticated");
  });

  it("refuses expired and not-yet-valid tokens beyond the 30 s skew, tolerates within it", async () => {
    expect(await refusal(hs({ exp: now() - 120 }))).toBe("unauthenticated");
    expect(await refusal(hs({ nbf: now() + 120 }))).toBe("unauthenticated");
    expect(await refusal(hs({ exp: now() - 5 }))).toBe("accepted");
  });

  it("refuses a wrong audience or issuer, and a subject that is no user id", async () => {
    expect(await refusal(hs({ aud: "someone-else" }))).toBe("unauthenticated");
    expect(await refusal(hs({ iss: "evil" }))).toBe("unauthenticated");
    expect(await refusal(hs({ sub: "has:colon" }))).toBe("unauthenticated");
    expect(await refusal("not.a.jwt")).toBe("unauthenticated");
  });

  it("refuses HS256 in the production configuration, even with a secret in its vars", async () => {
    expect(prod.devSecret).toBeUndefined();
    expect(allowedAlgorithms(prod)).toEqual(["EdDSA", "ES256"]);
    expect(await refusal(hs(), prod)).toBe("unauthenticated");
  });

  it("refuses asymmetric tokens when no key set is configured", async () => {
    const bare = configFor({ ENVIRONMENT: "development", JWT_DEV_SECRET: SECRET });
    expect(await refusal(eddsa(), bare)).toBe("unauthenticated");
  });
});
