// @edge-chat/region-core: the regional service's entry points for tools and tests.
export { type Config, loadConfig } from "./config.ts";
export { type RunningRegion, startRegion } from "./main.ts";
export {
  type RunningSharedStore,
  type SharedStoreOptions,
  startSharedStore,
} from "./repositories/shared/server.ts";
