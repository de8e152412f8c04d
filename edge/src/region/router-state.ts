// Where a region client keeps the geo-router's state (health, breakers, latency). Pluggable: a
// ConversationDO keeps it in its own storage, beside the conversation's last known client location
// and the region its region outbox last delivered to (all three must survive eviction: the outbox
// sticks to one region so a conversation's events stay in one Kafka partition). The Worker and the
// InboxDO, which have no such stream, keep one state per isolate.
import type { ClientLocation, RouterState } from "@edge-chat/geo-router";
import type { Config } from "../config.ts";
import { kvKey, type TypedKv } from "../storage/kv.ts";

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

const STATE = kvKey<unknown>("router:state");
const LOCATION = kvKey<ClientLocation>("router:location");
const WRITER = kvKey<string>("router:region");
const DELIVERED_AT = kvKey<number>("router:deliveredAt");

/** A conversation's routing, kept in its Durable Object's storage. */
export interface StoredRouting {
  state: RouterStateStore;
  /** Where the conversation's clients were last seen (the ranking's origin). */
  location(): ClientLocation;
  rememberLocation(location: ClientLocation): void;
  /** The region that took the region outbox's last batch (the one to stick to). */
  writer(): string | undefined;
  /** When the writer took the last batch (a failback lets it drain first: region/failback.ts). */
  deliveredAt(): number | undefined;
  /** The region took a batch at `at`. */
  delivered(regionId: string, at: number): void;
}

export function storedRouting(kv: TypedKv): StoredRouting {
  return {
    state: {
      load: () => kv.get(STATE),
      save: (state) => kv.set(STATE, state),
    },
    location: () => kv.get(LOCATION) ?? {},
    rememberLocation(location) {
      const current = kv.get(LOCATION);
      if (JSON.stringify(current) !== JSON.stringify(location)) {
        kv.set(LOCATION, location);
      }
    },
    writer: () => kv.get(WRITER),
    deliveredAt: () => kv.get(DELIVERED_AT),
    delivered(regionId, at) {
      if (kv.get(WRITER) !== regionId) kv.set(WRITER, regionId);
      kv.set(DELIVERED_AT, at);
    },
  };
}
