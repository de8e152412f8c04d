// The terraform/ folder against the rest of the repository: the production region list is
// geo-router's catalog, the edge's REGIONS is built from the region modules' URLs in geo-router's
// catalog shape, region-core gets the env vars it reads, every variable is documented and typed,
// and the media bucket is never public.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are HCL interpolations.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assignedKeys, expr, type Hcl, loadModule, locals, repoRoot, single } from "./hcl.ts";

interface CatalogEntry {
  id: string;
  name: string;
  location: { lat: number; lon: number };
  ingestUrl: string;
  historyUrl: string;
}

const geoRouterCatalog = JSON.parse(
  readFileSync(join(repoRoot, "geo-router/catalogs/production.example.json"), "utf8"),
) as CatalogEntry[];

const moduleDirs = ["modules/edge", "modules/region", "environments/production"] as const;
const loaded: Record<string, Hcl> = {};

beforeAll(async () => {
  for (const dir of moduleDirs) loaded[dir] = await loadModule(dir);
});

const production = () => loaded["environments/production"] as Hcl;
const edge = () => loaded["modules/edge"] as Hcl;
const region = () => loaded["modules/region"] as Hcl;

describe("production environment", () => {
  it("lists the regions of geo-router's production catalog: same ids, names, coordinates, order", () => {
    const catalog = locals(production()).catalog as Hcl[];
    expect(catalog.map(({ id, name, location }) => ({ id, name, location }))).toEqual(
      geoRouterCatalog.map(({ id, name, location }) => ({ id, name, location })),
    );
  });

  it("instantiates the region module once per catalog region, with that region's AWS provider", () => {
    const env = production();
    const catalog = locals(env).catalog as Hcl[];
    const regionModules = Object.entries(env.module as Hcl).filter(
      ([, blocks]) => (blocks as Hcl[])[0]?.source === "../../modules/region",
    );
    expect(regionModules.map(([, blocks]) => (blocks as Hcl[])[0]?.region_id).sort()).toEqual(
      catalog.map((r) => r.id).sort(),
    );

    const providers = (env.provider as Hcl).aws as Hcl[];
    for (const entry of catalog) {
      const [blockName, blocks] = regionModules.find(
        ([, b]) => (b as Hcl[])[0]?.region_id === entry.id,
      ) as [string, Hcl[]];
      const block = blocks[0] as Hcl;
      // Every per-region argument is looked up by this region's own id.
      for (const [argument, value] of Object.entries(block)) {
        if (typeof value === "string" && /\["[a-z-]+"\]/.test(value)) {
          expect(value, `${blockName}.${argument}`).toContain(`["${entry.id}"]`);
        }
      }
      const alias = expr(block.providers.aws).replace(/^aws\./, "");
      const provider = providers.find((p) => p.alias === alias);
      expect(provider, `provider aws.${alias}`).toBeDefined();
      expect(expr(provider?.region)).toBe(`local.regions["${entry.id}"].aws_region`);
      expect(expr(locals(env).region_modules[entry.id])).toBe(`module.${blockName}`);
    }
  });

  it("feeds every region module's ingest and history URLs into the edge's regions", () => {
    const edgeBlock = single(production().module, "edge");
    expect(edgeBlock.source).toBe("../../modules/edge");
    const regions = expr(edgeBlock.regions);
    expect(regions).toMatch(/^\[ for r in local\.catalog : \{/);
    expect(regions).toContain("id = r.id");
    expect(regions).toContain("name = r.name");
    expect(regions).toContain("location = r.location");
    expect(regions).toContain("ingest_url = local.region_modules[r.id].ingest_url");
    expect(regions).toContain("history_url = local.region_modules[r.id].history_url");
  });
});

describe("edge module", () => {
  it("sets REGIONS to geo-router's catalog JSON built from the regions input's URLs", () => {
    const secret = single(edge().resource.cloudflare_workers_secret, "regions");
    expect(secret.name).toBe("REGIONS");
    expect(expr(secret.secret_text)).toBe("local.regions_json");

    const json = expr(locals(edge()).regions_json);
    expect(json).toMatch(/^jsonencode\(\[ for r in var\.regions : \{/);
    // Exactly the keys of a catalog entry (parseRegionCatalog rejects unknown keys).
    const entryKeys = Object.keys(geoRouterCatalog[0] as CatalogEntry);
    expect(assignedKeys(json).filter((key) => !["lat", "lon"].includes(key))).toEqual(entryKeys);
    expect(json).toContain("ingestUrl = r.ingest_url");
    expect(json).toContain("historyUrl = r.history_url");
    expect(json).toContain("location = { lat = r.location.lat, lon = r.location.lon }");
  });

  it("manages exactly the Worker env values the edge reads, the signing key as a sensitive input", () => {
    const envTs = readFileSync(join(repoRoot, "edge/src/env.ts"), "utf8");
    const secrets = Object.values(edge().resource.cloudflare_workers_secret as Hcl).map(
      (blocks) => (blocks as Hcl[])[0]?.name as string,
    );
    expect(secrets.sort()).toEqual(["JWT_JWKS_URL", "REGIONS", "SERVICE_SIGNING_KEY"]);
    for (const name of secrets) expect(envTs).toMatch(new RegExp(`\\b${name}\\??:`));
    expect(single(edge().variable, "service_signing_key").sensitive).toBe(true);
    expect(single(production().variable, "service_signing_key").sensitive).toBe(true);
  });

  it("pins the Cloudflare provider to the 4.x line (5.x has no standalone Worker secret)", () => {
    for (const module of [edge(), production()]) {
      const required = (module.terraform as Hcl[])[0]?.required_providers[0];
      expect(required.cloudflare.source).toBe("cloudflare/cloudflare");
      expect(required.cloudflare.version).toMatch(/< 5\.0\.0/);
    }
  });
});

describe("region module", () => {
  it("outputs the ingest and history base URLs the catalog needs", () => {
    const outputs = region().output as Hcl;
    expect(single(outputs, "ingest_url").value).toBe(
      "https://${aws_route53_record.hosts[local.ingest_host].fqdn}",
    );
    expect(single(outputs, "history_url").value).toBe(
      "https://${aws_route53_record.hosts[local.history_host].fqdn}",
    );
    const names = locals(region());
    expect(names.ingest_host).toBe("ingest.${var.region_id}.${var.base_domain}");
    expect(names.history_host).toBe("history.${var.region_id}.${var.base_domain}");
  });

  it("blocks every kind of public access to the media bucket", () => {
    const resources = region().resource as Hcl;
    const block = single(resources.aws_s3_bucket_public_access_block, "media");
    expect(expr(block.bucket)).toBe("aws_s3_bucket.media.id");
    expect(block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const ownership = single(resources.aws_s3_bucket_ownership_controls, "media");
    expect(ownership.rule[0].object_ownership).toBe("BucketOwnerEnforced");
    expect(resources.aws_s3_bucket_acl).toBeUndefined();
    const encryption = single(
      resources.aws_s3_bucket_server_side_encryption_configuration,
      "media",
    );
    expect(encryption.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm).toBe(
      "aws:kms",
    );
  });

  it("gives region-core only env vars it reads, with its region as the Cassandra DC", () => {
    const env = locals(region()).region_core_environment as Record<string, string>;
    expect(env.REGION_ID).toBe("${var.region_id}");
    expect(env.CASSANDRA_LOCAL_DC).toBe("${var.region_id}");
    expect(env.ADAPTERS).toBe("real");
    for (const required of ["KAFKA_BROKERS", "CASSANDRA_CONTACT_POINTS", "SERVICE_JWKS"]) {
      expect(env[required], required).toBeDefined();
    }
    const configSources = ["region-core/src/config.ts", "cql/src/config.ts"]
      .map((file) => readFileSync(join(repoRoot, file), "utf8"))
      .join("\n");
    const unread = Object.keys(env).filter(
      (name) => !new RegExp(`\\b${name}\\b`).test(configSources),
    );
    expect(unread).toEqual([]);
  });

  it("names the Cassandra datacenter after the region and its racks after the AZs", () => {
    const template = single(region().resource.aws_launch_template, "cassandra");
    expect(expr(template.user_data)).toContain("datacenter = var.region_id");
    const script = readFileSync(
      join(repoRoot, "terraform/modules/region/templates/cassandra-user-data.sh.tftpl"),
      "utf8",
    );
    expect(script).toContain("dc=${datacenter}");
    expect(script).toContain("rack=$az");
    expect(script).toContain("endpoint_snitch: GossipingPropertyFileSnitch");
  });
});

describe("client security (#12)", () => {
  it("makes MSK take SASL/SCRAM over TLS only, and region-core connect that way", () => {
    const cluster = single(region().resource.aws_msk_cluster, "this");
    const auth = cluster.client_authentication[0];
    expect(auth.unauthenticated).toBe(false);
    expect(auth.sasl[0].scram).toBe(true);
    expect(cluster.encryption_info[0].encryption_in_transit[0].client_broker).toBe("TLS");
    const association = single(region().resource.aws_msk_scram_secret_association, "region_core");
    expect(association.secret_arn_list).toEqual(["${var.kafka_scram_secret_arn}"]);
    const ports = single(
      region().resource.aws_vpc_security_group_ingress_rule,
      "kafka_from_service",
    );
    expect(Object.values(ports.for_each as Hcl)).toEqual([9096]);

    const env = locals(region()).region_core_environment as Record<string, string>;
    expect(env.KAFKA_BROKERS).toBe("${aws_msk_cluster.this.bootstrap_brokers_sasl_scram}");
    expect(env.KAFKA_TLS).toBe("true");
    expect(env.KAFKA_SASL_MECHANISM).toBe("scram-sha-512");
    const secrets = expr(locals(region()).region_core_secrets);
    for (const name of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"])
      expect(secrets).toContain(name);
    expect(expr(locals(region()).execution_secret_arns)).toContain("var.kafka_scram_secret_arn");
  });

  it("makes Cassandra require client TLS with the region's keystore, and its clients verify it", () => {
    const env = locals(region()).region_core_environment as Record<string, string>;
    expect(env.CASSANDRA_TLS).toBe("true");
    expect(env.CASSANDRA_TLS_CA).toBe("${var.cassandra_tls_ca_pem}");
    const template = single(region().resource.aws_launch_template, "cassandra");
    expect(expr(template.user_data)).toMatch(
      /keystore_secret\s*=\s*var\.cassandra_tls_keystore_secret_arn/,
    );
    const script = readFileSync(
      join(repoRoot, "terraform/modules/region/templates/cassandra-user-data.sh.tftpl"),
      "utf8",
    );
    for (const setting of ["enabled: true", "optional: false", "keystore: $keystore"]) {
      expect(script).toContain(setting);
    }
    expect(script).toContain('--secret-id "${keystore_secret}"');
    const policy = single(region().data.aws_iam_policy_document, "cassandra");
    expect(JSON.stringify(policy.statement)).toContain("${var.cassandra_tls_keystore_secret_arn}");
  });

  it("wires every production region's secrets, one entry per catalog region", () => {
    for (const id of geoRouterCatalog.map((entry) => entry.id)) {
      const block = single(production().module, `region_${id.replaceAll("-", "_")}`);
      expect(block.kafka_scram_secret_arn).toBe(
        `\${var.region_secrets["${id}"].kafka_scram_secret_arn}`,
      );
      expect(block.cassandra_tls_keystore_secret_arn).toBe(
        `\${var.region_secrets["${id}"].cassandra_tls_keystore_secret_arn}`,
      );
      expect(block.cassandra_tls_ca_pem).toBe("${var.cassandra_tls_ca_pem}");
    }
  });
});

describe("variables", () => {
  it.each(moduleDirs)("every variable of %s has a description and a type", (dir) => {
    const variables = Object.entries((loaded[dir] as Hcl).variable as Hcl);
    expect(variables.length).toBeGreaterThan(0);
    const missing = variables
      .filter(([, blocks]) => {
        const v = (blocks as Hcl[])[0] as Hcl;
        return typeof v.description !== "string" || v.description.trim() === "" || !v.type;
      })
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it.each(moduleDirs)(
    "validations in %s refer only to their own variable (Terraform < 1.9 rejects others)",
    (dir) => {
      const offenders = Object.entries((loaded[dir] as Hcl).variable as Hcl).flatMap(
        ([name, blocks]) =>
          (((blocks as Hcl[])[0]?.validation as Hcl[] | undefined) ?? []).flatMap((rule) =>
            [...String(rule.condition).matchAll(/\bvar\.([A-Za-z0-9_]+)/g)]
              .map((m) => m[1])
              .filter((ref) => ref !== name)
              .map((ref) => `${name} -> ${ref}`),
          ),
      );
      expect(offenders).toEqual([]);
    },
  );
});
