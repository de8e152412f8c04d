// Repositories that live in the shared embedded store (server.ts), seen from one region: every
// method call is one HTTP request to the store naming this region, so the store can answer from
// this region's replica and replicate writes to the others. The methods are read from the store's
// /layout, so this client follows the repository ports without listing them.
import { ChatError, ErrorResponse } from "@edge-chat/protocol";
import { z } from "zod";
import type { StoreReplica } from "./replica.ts";
import { parseWire } from "./wire.ts";

const Layout = z.object({
  regions: z.array(z.string()),
  repositories: z.record(z.string(), z.array(z.string())),
});

async function request(url: string, init?: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    // A store that is down is a passing outage to the region: its callers retry.
    throw new ChatError("unavailable", "the embedded store is unreachable");
  }
  let body: unknown = null;
  try {
    body = parseWire(await response.text());
  } catch {
    // Not JSON (a proxy's error page, a cut connection): judged by the status below.
  }
  if (response.ok) return body;
  const error = ErrorResponse.safeParse(body);
  if (error.success) throw new ChatError(error.data.error.code, error.data.error.message);
  throw new ChatError("internal", `embedded store answered ${response.status}`);
}

/** Connects region `region` to the store at `baseUrl` (e.g. http://127.0.0.1:8790). */
export async function sharedStoreRepositories(
  baseUrl: string,
  region: string,
): Promise<StoreReplica> {
  const layout = Layout.parse(await request(`${baseUrl}/layout`));
  if (!layout.regions.includes(region)) {
    throw new ChatError(
      "permanent_failure",
      `the embedded store at ${baseUrl} has no region ${region} (it has ${layout.regions.join(", ")})`,
    );
  }
  const call = async (repository: string, method: string, args: unknown[]) => {
    const body = (await request(
      `${baseUrl}/v1/${encodeURIComponent(region)}/${repository}/${method}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ args }),
      },
    )) as { result?: unknown };
    // JSON has no `undefined`; a write's absent result stays absent.
    return body.result;
  };
  const repositories = Object.fromEntries(
    Object.entries(layout.repositories).map(([repository, methods]) => [
      repository,
      Object.fromEntries(
        methods.map((method) => [method, (...args: unknown[]) => call(repository, method, args)]),
      ),
    ]),
  );
  // The layout is the in-memory repositories' own, which implement these ports.
  return repositories as unknown as StoreReplica;
}
