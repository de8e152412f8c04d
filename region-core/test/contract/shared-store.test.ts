// The repository contract against the shared embedded store (npm start's storage): the in-memory
// repositories behind the store's HTTP API, reached through the client every embedded region uses.
// Every call goes through the next region in turn (a write from eu-west, the read back from
// us-east, …), with cross-region replication immediate: the contract holds for the three regions
// together, as it does for one Cassandra cluster read and written from several datacenters.
import { afterAll, beforeAll } from "vitest";
import type { Repositories } from "../../src/repositories/ports.ts";
import { sharedStoreRepositories } from "../../src/repositories/shared/client.ts";
import { type RunningSharedStore, startSharedStore } from "../../src/repositories/shared/server.ts";
import { repositoryContract } from "./repositories.contract.ts";

const REGIONS = ["eu-west", "us-east", "ap-southeast"];
let store: RunningSharedStore;
const views: Repositories[] = [];

beforeAll(async () => {
  store = await startSharedStore({ regions: REGIONS });
  for (const region of REGIONS) views.push(await sharedStoreRepositories(store.url, region));
});
afterAll(() => store?.stop());

/** One Repositories whose every method call goes to the next region's view, round robin. */
function roundRobin(): Repositories {
  let next = 0;
  const first = views[0] as unknown as Record<string, Record<string, unknown>>;
  return Object.fromEntries(
    Object.entries(first).map(([repository, methods]) => [
      repository,
      Object.fromEntries(
        Object.keys(methods).map((method) => [
          method,
          (...args: unknown[]) => {
            const view = views[next++ % views.length] as unknown as Record<
              string,
              Record<string, (...a: unknown[]) => Promise<unknown>>
            >;
            return view[repository]![method]!(...args);
          },
        ]),
      ),
    ]),
  ) as unknown as Repositories;
}

repositoryContract("shared embedded store, three regions", roundRobin);
