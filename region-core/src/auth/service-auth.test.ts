import { SERVICE_TOKEN } from "@edge-chat/protocol";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { errorResponse } from "../http/errors.ts";
import { serviceAuth, serviceTokenVerifier } from "./service-auth.ts";

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let edge: Keys;
let intruder: Keys;
let app: Hono;

function sign(
  key: Keys["privateKey"],
  claims: { iss?: string; aud?: string; iat?: number; exp?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA" })
    .setIssuer(claims.iss ?? SERVICE_TOKEN.issuer)
    .setAudience(claims.aud ?? SERVICE_TOKEN.audience)
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + SERVICE_TOKEN.ttlSeconds)
    .sign(key);
}

async function call(authorization?: string): Promise<Response> {
  return app.request("/secret", authorization ? { headers: { authorization } } : {});
}

beforeAll(async () => {
  edge = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  intruder = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = (await exportJWK(edge.publicKey)) as JWK & { kty: string };
  app = new Hono();
  app.onError((error, c) => errorResponse(c, error));
  app.use(
    "/secret",
    serviceAuth({ keys: { kind: "jwks", jwks: { keys: [jwk] } }, clockSkewSeconds: 5 }),
  );
  app.get("/secret", (c) => c.json({ ok: true }));
});

describe("serviceAuth", () => {
  it("accepts a token signed by the edge's key", async () => {
    const res = await call(`Bearer ${await sign(edge.privateKey)}`);
    expect(res.status).toBe(200);
  });

  it.each([
    ["no header", async () => undefined],
    ["not a bearer", async () => `Basic ${await sign(edge.privateKey)}`],
    ["garbage", async () => "Bearer abc.def.ghi"],
    ["the wrong key", async () => `Bearer ${await sign(intruder.privateKey)}`],
    ["the wrong audience", async () => `Bearer ${await sign(edge.privateKey, { aud: "someone" })}`],
    ["the wrong issuer", async () => `Bearer ${await sign(edge.privateKey, { iss: "evil" })}`],
    [
      "an expired token",
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return `Bearer ${await sign(edge.privateKey, { iat: now - 200, exp: now - 100 })}`;
      },
    ],
    [
      "a token older than its TTL",
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return `Bearer ${await sign(edge.privateKey, { iat: now - 3600, exp: now + 3600 })}`;
      },
    ],
    [
      "alg none",
      async () =>
        `Bearer ${new UnsecuredJWT({})
          .setIssuer(SERVICE_TOKEN.issuer)
          .setAudience(SERVICE_TOKEN.audience)
          .setIssuedAt()
          .setExpirationTime("1m")
          .encode()}`,
    ],
  ])("refuses %s with 401 unauthenticated", async (_name, header) => {
    const res = await call(await header());
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unauthenticated");
    expect(JSON.stringify(body)).not.toMatch(/stack|at /);
  });

  it("refuses everything when no keys are configured", async () => {
    const closed = new Hono();
    closed.onError((error, c) => errorResponse(c, error));
    closed.use("*", serviceAuth({ keys: { kind: "none" }, clockSkewSeconds: 5 }));
    closed.get("/x", (c) => c.text("no"));
    const res = await closed.request("/x", {
      headers: { authorization: `Bearer ${await sign(edge.privateKey)}` },
    });
    expect(res.status).toBe(401);
  });
});

describe("serviceTokenVerifier's cache of verified tokens", () => {
  it("accepts a verified token again only until its own expiry, by the injected clock", async () => {
    const jwk = (await exportJWK(edge.publicKey)) as JWK & { kty: string };
    let clock = Date.now();
    const verify = serviceTokenVerifier({
      keys: { kind: "jwks", jwks: { keys: [jwk] } },
      clockSkewSeconds: 5,
      now: () => clock,
    });
    const iat = Math.floor(clock / 1000);
    const token = await sign(edge.privateKey, { iat, exp: iat + 10 });
    await verify(token);
    // Past exp + skew by the cache's clock: the cached entry is dropped and the token re-verified;
    // jose's own clock still finds it valid, so it is accepted and cached again.
    clock = (iat + 10 + 5) * 1000 + 1;
    await verify(token);
    // A different token (another signature) is not served from the cache.
    const tampered = `${token.slice(0, -4)}AAAA`;
    await expect(verify(tampered)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("never caches a refused token", async () => {
    const jwk = (await exportJWK(edge.publicKey)) as JWK & { kty: string };
    const verify = serviceTokenVerifier({
      keys: { kind: "jwks", jwks: { keys: [jwk] } },
      clockSkewSeconds: 5,
    });
    const wrong = await sign(intruder.privateKey);
    await expect(verify(wrong)).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(verify(wrong)).rejects.toMatchObject({ code: "unauthenticated" });
  });
});
