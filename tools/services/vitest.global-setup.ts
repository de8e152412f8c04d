// Vitest global setup: makes sure the real services run (starting what is missing, under the
// machine-wide lock) and provides their endpoints to tests as `inject("services")`.
//
// Use all services:   test: { globalSetup: ["<path>/tools/services/vitest.global-setup.ts"] }
// Use a subset:       add  env: { EDGE_CHAT_SERVICES_ONLY: "cassandra,kafka" }  to that project,
//                     or write a setup file with `export default servicesGlobalSetup({ only: [...] })`.
// Services are left running afterwards so the next run starts in a second.
import type { TestProject } from "vitest/node";
import { parseServiceList } from "./config.ts";
import { type EnsureOptions, ensureServices } from "./ensure.ts";
import { ignoreKafkajsTimerWarning } from "./services/kafka.ts";
import type { ServiceEndpoints } from "./types.ts";

declare module "vitest" {
  interface ProvidedContext {
    services: ServiceEndpoints;
  }
}

export function servicesGlobalSetup(options: EnsureOptions = {}) {
  return async function setup(project: TestProject): Promise<void> {
    ignoreKafkajsTimerWarning();
    const only =
      options.only ??
      parseServiceList(
        project.config.env?.EDGE_CHAT_SERVICES_ONLY ?? process.env.EDGE_CHAT_SERVICES_ONLY,
      );
    const endpoints = await ensureServices({ ...options, only });
    project.provide("services", endpoints);
  };
}

export default servicesGlobalSetup();
