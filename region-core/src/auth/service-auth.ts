// Service-token middleware: every region API except health and metrics is called by the edge with
// an EdDSA JWT. The algorithm is pinned (never taken from the token header), issuer and audience
// come from the protocol, and the token's age is bounded by its TTL plus a small clock skew.
import { ChatError, SERVICE_TOKEN } from "@edge-chat/protocol";
import type { MiddlewareHandler } from "hono";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import type { ServiceKeys } from "../config.ts";

export interface ServiceAuthOptions {
  keys: ServiceKeys;
  clockSkewSeconds: number;
  /** The clock (ms) the verified-token cache expires entries by; jose reads its own. */
  now?: () => number;
}

/**
 * Tokens verified recently, by their exact text. An EdDSA signature check is a large share of an
 * ingest request's CPU (as much as validating 100 events, in a profile of bench/src/ingest.ts), and
 * the edge's tokens repeat: EdDSA signatures are deterministic and `iat` has one-second resolution,
 * so every batch an edge signs within a second carries the same token. An entry lives until the
 * token's own expiry (never past exp + skew nor iat + TTL + skew, the limits jwtVerify applies);
 * so a key removed from the set stops working for cached tokens only when they expire (at most
 * TTL + skew). Bounded: the oldest entry goes first.
 */
const VERIFIED_CACHE_SIZE = 1_024;

/** Builds the key lookup once; `null` means no keys are configured, so nothing authenticates. */
function keyLookup(keys: ServiceKeys): JWTVerifyGetKey | null {
  switch (keys.kind) {
    case "jwks":
      return createLocalJWKSet(keys.jwks as JSONWebKeySet);
    case "url":
      return createRemoteJWKSet(new URL(keys.url));
    case "none":
      return null;
  }
}

/** Verifies a compact JWT; resolves to its subject-less payload or throws ChatError("unauthenticated"). */
export function serviceTokenVerifier(options: ServiceAuthOptions) {
  const getKey = keyLookup(options.keys);
  const now = options.now ?? Date.now;
  const verified = new Map<string, number>();
  return async (token: string): Promise<void> => {
    if (!getKey) throw new ChatError("unauthenticated", "no service keys configured");
    const until = verified.get(token);
    if (until !== undefined) {
      if (now() < until) return;
      verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms: [SERVICE_TOKEN.algorithm],
        issuer: SERVICE_TOKEN.issuer,
        audience: SERVICE_TOKEN.audience,
        clockTolerance: options.clockSkewSeconds,
        maxTokenAge: SERVICE_TOKEN.ttlSeconds + options.clockSkewSeconds,
        requiredClaims: ["exp", "iat"],
      });
      const skew = options.clockSkewSeconds;
      const expires = Math.min(
        (payload.exp as number) + skew,
        (payload.iat as number) + SERVICE_TOKEN.ttlSeconds + skew,
      );
      if (verified.size >= VERIFIED_CACHE_SIZE) {
        verified.delete(verified.keys().next().value as string);
      }
      verified.set(token, expires * 1000);
    } catch (error) {
      throw new ChatError("unauthenticated", "invalid service token", { cause: error });
    }
  };
}

export function serviceAuth(options: ServiceAuthOptions): MiddlewareHandler {
  const verify = serviceTokenVerifier(options);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ChatError("unauthenticated", "missing service token");
    await verify(match[1]!);
    await next();
  };
}
