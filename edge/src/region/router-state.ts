// Where a region client keeps the geo-router's state (health, breakers, latency). Pluggable: a
// ConversationDO keeps it in its own storage, beside the conversation's last known client location
// and the region its region outbox last delivered to (all three must survive eviction: the outbox
// sticks to one region so a conversation's events stay in one Kafka partition). The Worker and the
// InboxDO, which have no such stream, keep one state per isolate.
import type { ClientLocation, RouterState } from "@edge-chat/geo-router";
import type { Config } from "../config.ts";

export interface RouterStateStore {
  /** What was last saved (the router re-validates it), undefined when nothing was. */
  load(): unknown;
  save(state: RouterState): void;
}

const isolateStates = new WeakMap<Config, RouterState>();

/** One state per configuration and isolate, shared by every call made from it. */
export function isolateRouterState(config: Config): RouterStateStore {
  return {
    load: () => isolateStates.get(config),
    save: (state) => isolateStates.set(config, state),
  };
}

/** The slice of a Durable Object's key-value storage the stored routing needs. */
export interface RoutingKv {
  kvGet<T>(scope: string, key: string): T | undefined;
  kvSet(scope: string, key: string, value: unknown): void;
}

const SCOPE = "router";

/** A conversation's routing, kept in its Durable Object's storage. */
export interface StoredRouting {
  state: RouterStateStore;
  /** Where the conversation's clients were last seen (the ranking's origin). */
  location(): ClientLocation;
  rememberLocation(location: ClientLocation): void;
  /** The region that took the region outbox's last batch (the one to stick to). */
  writer(): string | undefined;
  setWriter(regionId: string): void;
}

export function storedRouting(kv: RoutingKv): StoredRouting {
  return {
    state: {
      load: () => kv.kvGet(SCOPE, "state"),
      save: (state) => kv.kvSet(SCOPE, "state", state),
    },
    location: () => kv.kvGet<ClientLocation>(SCOPE, "location") ?? {},
    rememberLocation(location) {
      const current = kv.kvGet<ClientLocation>(SCOPE, "location");
      if (JSON.stringify(current) !== JSON.stringify(location)) {
        kv.kvSet(SCOPE, "location", location);
      }
    },
    writer: () => kv.kvGet<string>(SCOPE, "region"),
    setWriter(regionId) {
      if (kv.kvGet<string>(SCOPE, "region") !== regionId) kv.kvSet(SCOPE, "region", regionId);
    },
  };
}
