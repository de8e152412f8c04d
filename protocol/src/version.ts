// Protocol versioning: both ends announce the highest version they speak and use the lower one.

/** Highest protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;
/** Oldest protocol version this build still accepts. */
export const MIN_PROTOCOL_VERSION = 1;

/** The version both ends agree on, or null when the client is older than the server supports. */
export function negotiateVersion(clientMax: number, serverMax = PROTOCOL_VERSION): number | null {
  const agreed = Math.min(clientMax, serverMax);
  return agreed >= MIN_PROTOCOL_VERSION ? agreed : null;
}
