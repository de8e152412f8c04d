// Cassandra and migration-runner configuration, parsed once from env vars into a typed object.
//
//   CASSANDRA_CONTACT_POINTS   host[:port],...            default 127.0.0.1:9042
//   CASSANDRA_LOCAL_DC         datacenter this process is in (LOCAL_* consistency)   default dc1
//   CASSANDRA_KEYSPACE         keyspace name                                          default edge_chat
//   CASSANDRA_REPLICATION      RF per datacenter, dc:rf,...   default dc1:1,dc2:1 (production: 3 per DC)
//   CASSANDRA_USERNAME / CASSANDRA_PASSWORD   optional, both or neither (PlainTextAuthProvider)
//   CASSANDRA_TLS              true: client-to-node TLS, the node's certificate verified   default false
//   CASSANDRA_TLS_CA           PEM of the CA that signed the nodes' certificates (unset: system CAs)
//   MIGRATE_LEASE_TTL_SECONDS        lease lifetime, renewed before each migration   default 120
//   MIGRATE_LEASE_WAIT_SECONDS       how long to wait for another runner's lease     default 600
//   MIGRATE_SCHEMA_AGREEMENT_SECONDS how long to wait for schema agreement after DDL default 60
//   MIGRATE_APPLIED_BY               recorded in schema_migrations.applied_by        default migrate@<local dc>
import { z } from "zod";
import { CqlError } from "./errors.ts";

export interface CqlConfig {
  readonly contactPoints: readonly string[];
  readonly localDataCenter: string;
  readonly keyspace: string;
  /** Replication factor per datacenter (NetworkTopologyStrategy). */
  readonly replication: Readonly<Record<string, number>>;
  readonly credentials: { readonly username: string; readonly password: string } | null;
  /** Client-to-node TLS; `ca` is PEM text (undefined: the system's CAs). */
  readonly tls: { readonly ca: string | undefined } | null;
  readonly migrate: {
    readonly leaseTtlSeconds: number;
    readonly leaseWaitSeconds: number;
    readonly schemaAgreementSeconds: number;
    readonly appliedBy: string;
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

// Names end up spliced into CQL (the keyspace and replication are not bind-able), so they are
// held to an alphabet that cannot break out of an identifier or a string literal.
const KEYSPACE = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
const DATACENTER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CONTACT_POINT = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:]+\](:\d{1,5})?$/;

const list = (raw: string) =>
  raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");

const seconds = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((raw) => Number(raw))
    .pipe(z.number().int().min(1).max(86_400));

const envSchema = z
  .object({
    CASSANDRA_CONTACT_POINTS: z
      .string()
      .default("127.0.0.1:9042")
      .transform(list)
      .pipe(
        z
          .array(z.string().regex(CONTACT_POINT, "must be host or host:port"))
          .min(1, "must name at least one contact point"),
      ),
    CASSANDRA_LOCAL_DC: z.string().default("dc1").pipe(z.string().regex(DATACENTER)),
    CASSANDRA_KEYSPACE: z
      .string()
      .default("edge_chat")
      .pipe(z.string().regex(KEYSPACE, "must be a letter then up to 47 letters, digits or _")),
    CASSANDRA_REPLICATION: z
      .string()
      .default("dc1:1,dc2:1")
      .transform((raw, ctx) => parseReplication(raw, ctx)),
    CASSANDRA_USERNAME: z.string().min(1).optional(),
    CASSANDRA_PASSWORD: z.string().min(1).optional(),
    CASSANDRA_TLS: z.enum(["true", "false"]).default("false"),
    CASSANDRA_TLS_CA: z
      .string()
      .refine((pem) => pem.includes("-----BEGIN CERTIFICATE-----"), "must be PEM certificates")
      .optional(),
    MIGRATE_LEASE_TTL_SECONDS: seconds(120),
    MIGRATE_LEASE_WAIT_SECONDS: seconds(600),
    MIGRATE_SCHEMA_AGREEMENT_SECONDS: seconds(60),
    MIGRATE_APPLIED_BY: z.string().min(1).max(200).optional(),
  })
  .superRefine((env, ctx) => {
    if ((env.CASSANDRA_USERNAME === undefined) !== (env.CASSANDRA_PASSWORD === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["CASSANDRA_USERNAME"],
        message: "set both CASSANDRA_USERNAME and CASSANDRA_PASSWORD, or neither",
      });
    }
    if (env.CASSANDRA_TLS_CA !== undefined && env.CASSANDRA_TLS !== "true") {
      ctx.addIssue({
        code: "custom",
        path: ["CASSANDRA_TLS_CA"],
        message: "CASSANDRA_TLS_CA needs CASSANDRA_TLS=true",
      });
    }
    if (!Object.hasOwn(env.CASSANDRA_REPLICATION, env.CASSANDRA_LOCAL_DC)) {
      ctx.addIssue({
        code: "custom",
        path: ["CASSANDRA_LOCAL_DC"],
        message: `"${env.CASSANDRA_LOCAL_DC}" is not in CASSANDRA_REPLICATION`,
      });
    }
  });

function parseReplication(raw: string, ctx: z.RefinementCtx): Record<string, number> {
  const replication: Record<string, number> = {};
  for (const entry of list(raw)) {
    const match = /^([^:]+):(\d+)$/.exec(entry);
    const dc = match?.[1]?.trim() ?? "";
    const rf = Number(match?.[2]);
    if (!match || !DATACENTER.test(dc) || !Number.isInteger(rf) || rf < 1 || rf > 20) {
      ctx.addIssue({ code: "custom", message: `"${entry}" is not dc:rf with rf in 1..20` });
      continue;
    }
    if (Object.hasOwn(replication, dc)) {
      ctx.addIssue({ code: "custom", message: `datacenter "${dc}" is listed twice` });
    }
    replication[dc] = rf;
  }
  if (Object.keys(replication).length === 0) {
    ctx.addIssue({ code: "custom", message: "must list at least one datacenter" });
  }
  return replication;
}

/** Parses the env vars above (missing ones take their defaults); throws CqlError("invalid_config"). */
export function parseCqlConfig(env: Env): CqlConfig {
  // Empty strings count as unset, as shells and .env files produce them for "no value".
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const detail = result.error.issues
      .map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`)
      .join("; ");
    throw new CqlError("invalid_config", `invalid Cassandra config: ${detail}`);
  }
  const parsed = result.data;
  return {
    contactPoints: parsed.CASSANDRA_CONTACT_POINTS,
    localDataCenter: parsed.CASSANDRA_LOCAL_DC,
    keyspace: parsed.CASSANDRA_KEYSPACE,
    replication: parsed.CASSANDRA_REPLICATION,
    credentials:
      parsed.CASSANDRA_USERNAME !== undefined && parsed.CASSANDRA_PASSWORD !== undefined
        ? { username: parsed.CASSANDRA_USERNAME, password: parsed.CASSANDRA_PASSWORD }
        : null,
    tls: parsed.CASSANDRA_TLS === "true" ? { ca: parsed.CASSANDRA_TLS_CA } : null,
    migrate: {
      leaseTtlSeconds: parsed.MIGRATE_LEASE_TTL_SECONDS,
      leaseWaitSeconds: parsed.MIGRATE_LEASE_WAIT_SECONDS,
      schemaAgreementSeconds: parsed.MIGRATE_SCHEMA_AGREEMENT_SECONDS,
      appliedBy: parsed.MIGRATE_APPLIED_BY ?? `migrate@${parsed.CASSANDRA_LOCAL_DC}`,
    },
  };
}

/** The CQL map literal for the keyspace's replication, e.g. {'class': 'NetworkTopologyStrategy', 'dc1': 1}. */
export function replicationCql(replication: Readonly<Record<string, number>>): string {
  const entries = Object.entries(replication).map(([dc, rf]) => `'${dc}': ${rf}`);
  return `{'class': 'NetworkTopologyStrategy', ${entries.join(", ")}}`;
}
