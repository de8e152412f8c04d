// The harness environment of a test's own set of services (a second cluster beside the shared one):
// the test's defaults (run dir, addresses, heaps) over process.env, and EDGE_CHAT_<LABEL>_X over
// both, so a developer can move that cluster (EDGE_CHAT_QUORUM_CASSANDRA_ADDRESS_PREFIX=127.0.6.)
// without touching the shared services' EDGE_CHAT_X.
export function ownServicesEnv(
  label: string,
  defaults: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  const prefix = `EDGE_CHAT_${label}_`;
  const own: Record<string, string | undefined> = { ...env, ...defaults };
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(prefix)) own[`EDGE_CHAT_${name.slice(prefix.length)}`] = value;
  }
  return own;
}
