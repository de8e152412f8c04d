// Local development tokens: HS256 with the dev secret. The route using this exists only when
// ENVIRONMENT=development (the config has no dev secret otherwise).
import { ChatError, type UserId } from "@edge-chat/protocol";
import { SignJWT } from "jose";
import type { Config } from "../config.ts";

export async function mintDevToken(
  userId: UserId,
  config: Config["jwt"],
  ttlSeconds = 24 * 60 * 60,
): Promise<string> {
  if (!config.devSecret) throw new ChatError("not_found", "not found");
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(config.devSecret));
}
