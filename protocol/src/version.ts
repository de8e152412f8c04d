// Protocol versioning: both ends announce the highest version they speak and use the lower one.

/**
 * Highest protocol version this build speaks. v2: live messages may arrive several to a frame
 * (`messages`, under load); a v1 socket keeps getting one `message` frame per message.
 */
export const PROTOCOL_VERSION = 2;
/** The first version whose conversation sockets may receive a `messages` frame. */
export const BATCHED_FRAMES_VERSION = 2;
/** Oldest protocol version this build still accepts. */
export const MIN_PROTOCOL_VERSION = 1;

/** The version both ends agree on, or null when the client is older than the server supports. */
export function negotiateVersion(clientMax: number, serverMax = PROTOCOL_VERSION): number | null {
  const agreed = Math.min(clientMax, serverMax);
  return agreed >= MIN_PROTOCOL_VERSION ? agreed : null;
}
