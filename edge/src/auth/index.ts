// Authentication: user JWTs (verify, dev minting) and the Hono middleware that applies them.
export { mintDevToken } from "./dev-tokens.ts";
export { allowedAlgorithms, bearerToken, verifyUserToken } from "./jwt.ts";
export { requireUser } from "./middleware.ts";
