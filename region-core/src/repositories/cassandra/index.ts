// Connects to the region's Cassandra datacenter (LOCAL_* consistency), applies @edge-chat/cql's
// migrations if asked, and builds one repository per table over a shared prepared-statement session.
import { createCassandraClient, migrate } from "@edge-chat/cql";
import type { Config } from "../../config.ts";
import type { Metrics } from "../../metrics.ts";
import type { Repositories } from "../ports.ts";
import { CassandraConversations } from "./conversations.ts";
import { CassandraMediaObjects } from "./media-objects.ts";
import { CassandraMembers } from "./members.ts";
import { CassandraMessages } from "./messages.ts";
import { CassandraMessageChanges } from "./message-changes.ts";
import { CassandraReceipts } from "./receipts.ts";
import { createSession, type Session } from "./session.ts";
import { CassandraUserConversations } from "./user-conversations.ts";

export interface CassandraRepositories {
  repositories: Repositories;
  /** For the tables outside Repositories (the device registry: devices/cassandra.ts). */
  session: Session;
  close(): Promise<void>;
}

export async function connectCassandra(
  config: Config["cassandra"],
  metrics?: Pick<Metrics, "cassandraRequests" | "cassandraStatements">,
): Promise<CassandraRepositories> {
  if (config.migrate) {
    await migrate({ config: config.cql, log: (line) => console.log(`cql: ${line}`) });
  }
  const client = createCassandraClient(config.cql);
  await client.connect();
  const session = createSession(client, config.cql.keyspace, config.consistency, (statements) => {
    metrics?.cassandraRequests.inc();
    metrics?.cassandraStatements.inc(statements);
  });
  return {
    repositories: cassandraRepositories(session),
    session,
    close: () => client.shutdown(),
  };
}

/** One repository per table over one session (also what the real-Cassandra tests build). */
export function cassandraRepositories(session: Session): Repositories {
  return {
    messages: new CassandraMessages(session),
    messageChanges: new CassandraMessageChanges(session),
    conversations: new CassandraConversations(session),
    members: new CassandraMembers(session),
    userConversations: new CassandraUserConversations(session),
    receipts: new CassandraReceipts(session),
    mediaObjects: new CassandraMediaObjects(session),
  };
}
