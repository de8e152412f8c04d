// User token verification with jose: pinned algorithms, issuer, audience, exp/nbf with a small clock
// skew, and a `sub` that must be a valid UserId. HS256 exists only in development.
import { ChatError, UserId } from "@edge-chat/protocol";
import {
  type CompactJWSHeaderParameters,
  type JWTVerifyGetKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
} from "jose";
import type { Config } from "../config.ts";

type JwtConfig = Config["jwt"];

/** Asymmetric algorithms accepted from the identity provider's JWKS. */
const ASYMMETRIC = ["EdDSA", "ES256"] as const;

const remoteSets = new Map<string, JWTVerifyGetKey>();

/** The algorithms a configuration accepts: HS256 only when a dev secret exists (development). */
export function allowedAlgorithms(config: JwtConfig): string[] {
  return config.devSecret ? ["HS256", ...ASYMMETRIC] : [...ASYMMETRIC];
}

function keyResolver(config: JwtConfig): JWTVerifyGetKey {
  const jwks = config.jwks
    ? createLocalJWKSet(config.jwks as Parameters<typeof createLocalJWKSet>[0])
    : config.jwksUrl
      ? cachedRemote(config.jwksUrl)
      : undefined;
  const secret = config.devSecret ? new TextEncoder().encode(config.devSecret) : undefined;
  return async (header: CompactJWSHeaderParameters, token) => {
    if (header.alg === "HS256") {
      if (!secret) throw new ChatError("unauthenticated", "algorithm not allowed");
      return secret;
    }
    if (!jwks) throw new ChatError("unauthenticated", "no key set configured");
    return jwks(header, token);
  };
}

function cachedRemote(url: string): JWTVerifyGetKey {
  let set = remoteSets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    remoteSets.set(url, set);
  }
  return set;
}

/** Verifies a bearer token and returns its user id, or throws ChatError("unauthenticated"). */
export async function verifyUserToken(token: string, config: JwtConfig): Promise<UserId> {
  try {
    const { payload } = await jwtVerify(token, keyResolver(config), {
      algorithms: allowedAlgorithms(config),
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockToleranceSec,
      requiredClaims: ["exp", "sub"],
    });
    const sub = UserId.safeParse(payload.sub);
    if (!sub.success)
      throw new ChatError("unauthenticated", "token subject is not a valid user id");
    return sub.data;
  } catch (error) {
    if (error instanceof ChatError) throw error;
    throw new ChatError("unauthenticated", `invalid token (${tokenProblem(error)})`, {
      cause: error,
    });
  }
}

/**
 * What was wrong with a token, in the protocol's words: the client learns what to fix (a new token,
 * the right audience) but never the verifying library's error codes (ERR_JWS_…) or messages.
 */
export function tokenProblem(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return /^[a-z]{2,5}$/.test(error.claim)
      ? `claim ${error.claim} not accepted`
      : "claims not accepted";
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature does not verify";
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown signing key";
  return "malformed or unverifiable";
}

/** Reads `Authorization: Bearer <token>`; undefined when absent. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}
