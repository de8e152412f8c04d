// Cassandra repositories (one per table, over @edge-chat/cql's DDL and names). Pending cql.
import { ChatError } from "@edge-chat/protocol";
import type { Config } from "../../config.ts";
import type { Repositories } from "../ports.ts";

export async function connectCassandra(
  _config: Config["cassandra"],
): Promise<{ repositories: Repositories; close(): Promise<void> }> {
  throw new ChatError("unavailable", "Cassandra adapters are not wired yet");
}
