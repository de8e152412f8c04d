import { describe, expect, it } from "vitest";
import { ownServicesEnv } from "./own-env.ts";

describe("ownServicesEnv", () => {
  const defaults = { EDGE_CHAT_SERVICES_DIR: "/own/run", EDGE_CHAT_CASSANDRA_HEAP: "256M" };

  it("puts the test's defaults over the shared services' variables", () => {
    const env = ownServicesEnv("REGIONS3", defaults, {
      EDGE_CHAT_SERVICES_DIR: "/shared/run",
      PATH: "/bin",
    });
    expect(env).toMatchObject({ EDGE_CHAT_SERVICES_DIR: "/own/run", PATH: "/bin" });
  });

  it("lets EDGE_CHAT_<LABEL>_X override X, and leaves other labels alone", () => {
    const env = ownServicesEnv("REGIONS3", defaults, {
      EDGE_CHAT_REGIONS3_CASSANDRA_HEAP: "384M",
      EDGE_CHAT_QUORUM_CASSANDRA_HEAP: "128M",
      EDGE_CHAT_REGIONS3_CASSANDRA_ADDRESS_PREFIX: "127.0.6.",
    });
    expect(env.EDGE_CHAT_CASSANDRA_HEAP).toBe("384M");
    expect(env.EDGE_CHAT_CASSANDRA_ADDRESS_PREFIX).toBe("127.0.6.");
    expect(env.EDGE_CHAT_SERVICES_DIR).toBe("/own/run");
  });
});
