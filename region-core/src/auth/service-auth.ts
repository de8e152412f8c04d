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
}

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
  return async (token: string): Promise<void> => {
    if (!getKey) throw new ChatError("unauthenticated", "no service keys configured");
    try {
      await jwtVerify(token, getKey, {
        algorithms: [SERVICE_TOKEN.algorithm],
        issuer: SERVICE_TOKEN.issuer,
        audience: SERVICE_TOKEN.audience,
        clockTolerance: options.clockSkewSeconds,
        maxTokenAge: SERVICE_TOKEN.ttlSeconds + options.clockSkewSeconds,
        requiredClaims: ["exp", "iat"],
      });
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
