// A cached signed token for providers that authenticate with a short-lived bearer token (the APNs
// provider JWT, the FCM OAuth2 access token): one in flight at a time, reused until `refreshAfter`,
// dropped when the provider rejects it so the next attempt fetches a fresh one.
export interface CachedToken {
  get(): Promise<string>;
  /** The provider refused `token` (expired, revoked): forget it unless a newer one replaced it. */
  invalidate(token: string): void;
}

export function cachedToken(
  mint: () => Promise<{ token: string; validForMs: number }>,
  now: () => number,
): CachedToken {
  let current: { token: string; expiresAt: number } | undefined;
  let minting: Promise<string> | undefined;
  return {
    get() {
      if (current && now() < current.expiresAt) return Promise.resolve(current.token);
      minting ??= mint()
        .then(({ token, validForMs }) => {
          current = { token, expiresAt: now() + validForMs };
          return token;
        })
        .finally(() => {
          minting = undefined;
        });
      return minting;
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
    },
  };
}
