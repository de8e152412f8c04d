// The embedded store's JSON with Maps kept: a repository may answer a Map (message changes' states
// by seq), which plain JSON would turn into `{}`. Both ends of the store's HTTP use these two.
const MAP_TAG = "__map";

export function stringifyWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Map ? { [MAP_TAG]: [...v.entries()] } : v,
  );
}

export function parseWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) =>
    v !== null && typeof v === "object" && MAP_TAG in v && Object.keys(v).length === 1
      ? new Map((v as { [MAP_TAG]: [unknown, unknown][] })[MAP_TAG])
      : v,
  );
}
