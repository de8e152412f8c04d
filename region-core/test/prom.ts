// Reads Prometheus text exposition in tests without depending on label order.

/** The sum of every sample `name` whose labels include all of `labels`. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}
