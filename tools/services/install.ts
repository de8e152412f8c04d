// Getting the programs: Java runtime classpaths collected from Maven Central with the dependency
// plugin, versitygw built with `go install`, and checks that the needed tools exist. Everything
// lands in the cache dir and is reused; a `.complete` marker makes a half-finished fetch retry.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { ServiceName, ServicesConfig } from "./config.ts";
import { ServiceError } from "./process.ts";

export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

/** A throwaway pom whose only job is to let `dependency:copy-dependencies` collect a classpath. */
export function classpathPom(id: string, deps: readonly MavenArtifact[]): string {
  const list = deps
    .map(
      (d) =>
        `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>edge-chat.services</groupId>
  <artifactId>${id}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${list}
  </dependencies>
</project>
`;
}

export function cassandraArtifacts(version: string): MavenArtifact[] {
  return [{ groupId: "org.apache.cassandra", artifactId: "cassandra-all", version }];
}

export function kafkaArtifacts(version: string): MavenArtifact[] {
  // kafka_2.13 declares its log4j binding only at compile scope, so the runtime needs one added.
  return [
    { groupId: "org.apache.kafka", artifactId: "kafka_2.13", version },
    { groupId: "org.slf4j", artifactId: "slf4j-reload4j", version: "1.7.36" },
    { groupId: "ch.qos.reload4j", artifactId: "reload4j", version: "1.2.25" },
  ];
}

/** Returns the classpath (all jars of the runtime closure), fetching it the first time. */
export async function mavenClasspath(
  cfg: ServicesConfig,
  service: ServiceName,
  id: string,
  deps: readonly MavenArtifact[],
): Promise<string> {
  const dir = join(cfg.cacheDir, "maven", id);
  const lib = join(dir, "lib");
  if (!existsSync(join(dir, ".complete"))) {
    requireTool(service, cfg.tools.mvn, ["-v"], "apt-get install maven");
    rmSync(lib, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "pom.xml"), classpathPom(id, deps));
    log(`fetching ${id} runtime classpath with Maven (first run only)`);
    const r = await run(
      cfg.tools.mvn,
      [
        "-q",
        "-B",
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        `-DoutputDirectory=${lib}`,
      ],
      { cwd: dir },
    );
    if (r.status !== 0) {
      throw new ServiceError(
        service,
        "SERVICE_INSTALL_FAILED",
        `Maven could not collect ${id}:\n${lastLines(`${r.stdout}\n${r.stderr}`)}`,
      );
    }
    writeFileSync(join(dir, ".complete"), new Date().toISOString());
  }
  const jars = readdirSync(lib)
    .filter((f) => f.endsWith(".jar"))
    .sort()
    .map((f) => join(lib, f));
  return jars.join(delimiter);
}

/** Finds Go even when it is not on PATH (the usual tarball install lives in /usr/local/go). */
export function findGo(cfg: ServicesConfig): string | undefined {
  const candidates = [cfg.tools.go, "go", "/usr/local/go/bin/go"].filter(
    (c): c is string => c !== undefined,
  );
  return candidates.find((c) => spawnSync(c, ["version"], { stdio: "ignore" }).status === 0);
}

/** Path of the versitygw binary, built with `go install` the first time. */
export async function versitygwBinary(cfg: ServicesConfig): Promise<string> {
  const version = cfg.s3.versitygwVersion;
  const bin = join(cfg.cacheDir, `versitygw-${version}`, "bin");
  const exe = join(bin, "versitygw");
  if (existsSync(exe)) return exe;
  const go = findGo(cfg);
  if (!go) {
    throw new ServiceError(
      "s3",
      "SERVICE_TOOL_MISSING",
      "Go is needed once to build versitygw: install Go 1.24+ (or set EDGE_CHAT_GO to its binary)",
    );
  }
  const goDir = join(cfg.cacheDir, "go");
  log(`building versitygw ${version} with go install (first run only, a few minutes)`);
  const r = await run(go, ["install", `github.com/versity/versitygw/cmd/versitygw@${version}`], {
    env: {
      ...process.env,
      GOBIN: bin,
      GOPATH: join(goDir, "path"),
      GOMODCACHE: join(goDir, "mod"),
      GOCACHE: join(goDir, "build"),
      // Module cache files read-only by default would make the cache dir hard to delete.
      GOFLAGS: "-modcacherw",
    },
  });
  if (r.status !== 0 || !existsSync(exe)) {
    throw new ServiceError(
      "s3",
      "SERVICE_INSTALL_FAILED",
      `go install versitygw failed:\n${lastLines(`${r.stdout}\n${r.stderr}`)}`,
    );
  }
  return exe;
}

export function requireTool(service: ServiceName, cmd: string, args: string[], hint: string): void {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  if (r.error || r.status !== 0) {
    throw new ServiceError(service, "SERVICE_TOOL_MISSING", `"${cmd}" was not found; ${hint}`);
  }
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a long install step without blocking the event loop (the lock keeps refreshing meanwhile). */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout = (stdout + d.toString("utf8")).slice(-20_000);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString("utf8")).slice(-20_000);
    });
    child.on("error", (err) =>
      resolve({ status: null, stdout, stderr: `${stderr}\n${err.message}` }),
    );
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function lastLines(text: string, n = 30): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

export function log(message: string): void {
  process.stderr.write(`[services] ${message}\n`);
}
