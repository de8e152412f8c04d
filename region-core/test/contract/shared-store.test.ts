// The repository contract against the shared embedded store (npm start's storage): the in-memory
// repositories behind the store's HTTP API, reached through the client every embedded region uses.
// Every call goes through the next region in turn (a write from eu-west, the read back from
// us-east, …), with cross-region replication immediate: the contract holds for the three regions
// together, as it does for one Cassandra cluster read and written from several datacenters. The
// device registry contract runs the same way.
import { afterAll, beforeAll } from "vitest";
import { sharedStoreRepositories } from "../../src/repositories/shared/client.ts";
import type { StoreReplica } from "../../src/repositories/shared/replica.ts";
import { type RunningSharedStore, startSharedStore } from "../../src/repositories/shared/server.ts";
import { devicesContract } from "./devices.contract.ts";
import { repositoryContract } from "./repositories.contract.ts";

const REGIONS = ["eu-west", "us-east", "ap-southeast"];
let store: RunningSharedStore;
const views: StoreReplica[] = [];

beforeAll(async () => {
  store = await startSharedStore({ regions: REGIONS });
  for (const region of REGIONS) views.push(await sharedStoreRepositories(store.url, region));
});
afterAll(() => store?.stop());

/** One Repositories whose every method call goes to the next region's view, round robin. */
function roundRobin(): StoreReplica {
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
  ) as unknown as StoreReplica;
}

repositoryContract("shared embedded store, three regions", roundRobin);
// The device registry too: a device registered through one region is listed, updated and
// removed through the others (npm start's regions push to devices registered at any of them).
devicesContract("shared embedded store, three regions", () => {
  const replica = roundRobin();
  return { devices: replica.devices, settings: replica.notificationSettings };
});
